// Opens a report.html in headless Chromium: the marks each plot draws and every request the page makes.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic',
];
/** SYMEVO_REQUIRE_TOOLS=1: a missing Chromium fails the browser tests instead of skipping them. */
export const REQUIRED = process.env['SYMEVO_REQUIRE_TOOLS'] === '1';
export const haveChromium = existsSync(CHROMIUM);
/** Observable Plot's data marks (axes, grids and legends carry other labels). */
const MARK_SELECTOR = ['line', 'dot', 'area', 'bar', 'rect'].map((m) => `svg g[aria-label="${m}"] > *`).join(', ');

export interface PageLook {
  readonly url: string;
  /** [plot name, data marks drawn with a nonzero box], in page order. */
  readonly marks: readonly (readonly [string | undefined, number])[];
  readonly requests: readonly string[];
}

/** Loads the page, counts each plot's drawn marks, and lets `more` look further before the browser closes. */
export async function lookAtReport(file: string, more?: (page: Page) => Promise<void>): Promise<PageLook> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const url = pathToFileURL(resolve(file)).href;
    await page.goto(url, { waitUntil: 'load' });
    const marks = await page.$$eval(
      'section.plot',
      (sections, selector) =>
        sections.map((s) => {
          const drawn = [...s.querySelectorAll(selector)].filter((el) => {
            const box = (el as SVGGraphicsElement).getBBox();
            return box.width > 0 || box.height > 0;
          });
          return [(s as HTMLElement).dataset['plot'], drawn.length] as const;
        }),
      MARK_SELECTOR,
    );
    await more?.(page);
    return { url, marks, requests };
  } finally {
    await browser.close();
  }
}
