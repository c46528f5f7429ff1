// `symevo report` on a run from a real search: the page is self-contained, and in headless Chromium
// every plot draws marks and the page asks for nothing beyond its own file.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { symevo } from '../cli/run-cli.js';
import { searchRun } from './make-run.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic',
];
/** SYMEVO_REQUIRE_TOOLS=1: a missing Chromium fails the browser test instead of skipping it. */
const REQUIRED = process.env['SYMEVO_REQUIRE_TOOLS'] === '1';
const PLOTS = ['fitness-evaluations', 'fitness-time', 'throughput', 'cache-hits', 'behaviours'];
/** Observable Plot's data marks (axes, grids and legends carry other labels). */
const MARK_SELECTOR = ['line', 'dot', 'area', 'bar', 'rect'].map((m) => `svg g[aria-label="${m}"] > *`).join(', ');

const root = mkdtempSync(join(tmpdir(), 'symevo-report-html-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let run: string;
let html: string;
beforeAll(() => {
  run = searchRun(join(root, 'run'), 30);
  const r = symevo(['report', run, '--top', '2']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toBe(`${join(run, 'report.html')}\n`);
  html = readFileSync(join(run, 'report.html'), 'utf8');
}, 180_000);

describe('report.html', () => {
  it('is one file that loads nothing from elsewhere', () => {
    // url(#id) names a clip path inside the page; any other url() would fetch something.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|url\((?!#)/i);
    expect(html).not.toMatch(/\s(src|href)\s*=/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('holds every plot, the top programs with verdicts, and the best program\'s lineage', () => {
    for (const name of PLOTS) expect(html).toContain(`data-plot="${name}"`);
    expect(html.match(/<section class="program" data-id="\d+">/g)).toHaveLength(2);
    expect(html.match(/Classifier verdict: <strong class="verdict">(lion-like|not-lion-like)<\/strong>/g)).toHaveLength(2);
    expect(html).toMatch(/<ol class="lineage">[\s\S]*#\d+ ← seed: seed: copy of seed 1 of 1/);
    expect(html).toMatch(/<span class="del">-/);
  });

  it('goes where --out says', () => {
    const out = join(root, 'elsewhere.html');
    const r = symevo(['report', run, '--top', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  }, 60_000);

  it('exits 2 for a directory that is not a run', () => {
    const r = symevo(['report', root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`symevo: ${root} is not a run directory (no config.json)\n`);
  });
});

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !REQUIRED) console.warn(`browser test skipped: ${CHROMIUM} is not installed (SYMEVO_REQUIRE_TOOLS=1 fails instead)`);

describe.skipIf(!haveChromium && !REQUIRED)('report.html in headless Chromium', () => {
  it('draws marks in every plot and makes no network request', async () => {
    expect(haveChromium, `${CHROMIUM} is required (SYMEVO_REQUIRE_TOOLS=1) but was not found`).toBe(true);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      const url = pathToFileURL(resolve(run, 'report.html')).href;
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
      expect(marks.map(([name]) => name)).toEqual(PLOTS);
      for (const [name, count] of marks) expect(count, `marks drawn in ${name}`).toBeGreaterThan(0);
      expect(requests).toEqual([url]);
      const artifacts = resolve('tests/artifacts');
      mkdirSync(artifacts, { recursive: true });
      const shot = join(artifacts, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`report screenshot: ${shot}`);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
