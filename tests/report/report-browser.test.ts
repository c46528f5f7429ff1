// `symevo report` on a run from a real search: the page is self-contained, and in headless Chromium
// every plot draws marks and the page asks for nothing beyond its own file.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { symevo } from '../cli/run-cli.js';
import { CHROMIUM, haveChromium, lookAtReport, REQUIRED } from './browser.js';
import { searchRun } from './make-run.js';

const PLOTS = ['fitness-evaluations', 'fitness-time', 'throughput', 'cache-hits', 'behaviours'];

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

if (!haveChromium && !REQUIRED) console.warn(`browser test skipped: ${CHROMIUM} is not installed (SYMEVO_REQUIRE_TOOLS=1 fails instead)`);

describe.skipIf(!haveChromium && !REQUIRED)('report.html in headless Chromium', () => {
  it('draws marks in every plot and makes no network request', async () => {
    expect(haveChromium, `${CHROMIUM} is required (SYMEVO_REQUIRE_TOOLS=1) but was not found`).toBe(true);
    const shot = join(resolve('tests/artifacts'), 'report.png');
    const { url, marks, requests } = await lookAtReport(join(run, 'report.html'), async (page) => {
      mkdirSync(resolve('tests/artifacts'), { recursive: true });
      await page.screenshot({ path: shot, fullPage: true });
    });
    expect(marks.map(([name]) => name)).toEqual(PLOTS);
    for (const [name, count] of marks) expect(count, `marks drawn in ${name}`).toBeGreaterThan(0);
    expect(requests).toEqual([url]);
    console.log(`report screenshot: ${shot}`);
  }, 60_000);
});
