// `symevo inspect` and `symevo report` on a Transformer-block run made by a real search (tiny-blocks
// on charlm at equal FLOPs): scores in bits/char, steps and FLOPs from the journal, statements before
// and after simplification and the Primer tests; and an optimizer run still read as before.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyBlock, parseBlock, printProgram, simplifyBlock } from '../../src/dsl/index.js';
import { compareFitness, entryFitness, liveStatementCount, type JournalEntry } from '../../src/search/index.js';
import { symevo } from '../cli/run-cli.js';
import { CHROMIUM, haveChromium, lookAtReport, REQUIRED } from './browser.js';
import { journalLines, searchBlockRun, searchRun } from './make-run.js';

const root = mkdtempSync(join(tmpdir(), 'symevo-block-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Ok = Extract<JournalEntry, { status: 'ok' }>;
interface Row {
  rank: number;
  id: number;
  stageReached: number;
  score: number;
  stageScores: (number | null)[];
  shown?: { unit: string; score: number; stageScores: (number | null)[] };
  cost?: { stage: number; steps: number; flopsPerToken: number; blockParameters?: number };
  statements: { before: number; after: number };
  simplified: string;
  relation: string;
  kinship: { relations: { name: string; relation: string }[] };
  verdict?: { verdict: string; tests: { name: string; pass: boolean }[]; classification: { squaredRelu: boolean; dconv3: boolean } };
}
interface Detail {
  id: number;
  fitness: string;
  verdict?: { verdict: string };
  statements?: { before: number; after: number };
  stages: { stage: number; metrics: Record<string, number>; shown?: { unit: string; value: number }; cost?: { steps: number; flopsPerToken: number } }[];
  lineage: { id: number; parentId: number | null; diff: string; mutation: { kind: string } }[];
}

/** Runs the command, expects exit 0, and parses its output. */
function json<T>(args: string[]): T {
  const r = symevo(args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

const bits = (nats: number) => nats / Math.LN2;

let run: string;
let journal: JournalEntry[];
/** The journal's best by the search's own order: the highest stage reached, then the lowest valLoss. */
let best: Ok;
let rows: Row[];
beforeAll(() => {
  run = searchBlockRun(join(root, 'blocks'));
  journal = journalLines(run).map((l) => JSON.parse(l) as JournalEntry);
  const ok = journal.filter((e): e is Ok => e.status === 'ok');
  best = ok.reduce((a, b) => (compareFitness(entryFitness(b), entryFitness(a), true) < 0 ? b : a));
  rows = json<{ leaderboard: Row[] }>(['inspect', run, '--json']).leaderboard;
}, 120_000);

const entry = (id: number) => journal.find((e) => e.id === id)!;

describe('symevo inspect on a block run', () => {
  it('ranks the journal\'s best first, its scores in bits/char and its steps and FLOPs as journaled', () => {
    expect(journal).toHaveLength(11);
    const top = rows[0]!;
    expect(top.id).toBe(best.id);
    expect(top.score).toBe(best.score);
    expect(top.shown!.unit).toBe('bits/char');
    expect(top.shown!.score).toBeCloseTo(bits(best.score), 12);
    const last = best.metrics[best.stageReached]!;
    expect(top.cost).toEqual({ stage: best.stageReached, steps: last['steps'], flopsPerToken: last['flopsPerToken'], blockParameters: last['blockParameters'] });
    for (const row of rows) {
      const e = entry(row.id) as Ok;
      expect(row.stageScores).toEqual([0, 1].map((s) => e.metrics[s]?.['valLoss'] ?? null));
      row.shown!.stageScores.forEach((s, i) => (s === null ? expect(row.stageScores[i]).toBeNull() : expect(s).toBeCloseTo(bits(row.stageScores[i]!), 12)));
      expect(row.cost!.steps).toBe(e.metrics[e.stageReached]!['steps']);
      expect(row.cost!.flopsPerToken).toBe(e.metrics[e.stageReached]!['flopsPerToken']);
    }
    expect(new Set(rows.map((r) => r.simplified)).size).toBe(rows.length);
  });

  it('counts statements and runs the Primer tests as the block tools do', () => {
    for (const row of rows) {
      const checked = parseBlock(entry(row.id).program);
      const simple = simplifyBlock(checked);
      expect(row.statements).toEqual({ before: checked.program.body.length, after: simple.checked.program.body.length });
      expect(row.simplified).toBe(printProgram(simple.checked.program));
      const c = classifyBlock(checked);
      expect(row.verdict!.verdict).toBe(c.verdict);
      expect(row.verdict!.classification).toMatchObject({ squaredRelu: c.squaredRelu, dconv3: c.dconv3 });
      expect(row.verdict!.tests.map((t) => [t.name, t.pass])).toEqual([['squared ReLU', c.squaredRelu], ['DConv q, k, v', c.dconv3]]);
      expect(row.relation.startsWith(`${c.verdict === 'partial' ? 'partial (' : c.verdict}`)).toBe(true);
      expect(row.kinship.relations.map((k) => k.name)).toEqual(['primer', 'transformer']);
    }
    // The seed copies are the transformer block itself: ReLU, no convolution.
    const seed = rows.find((r) => entry(r.id).parentId === null)!;
    expect(seed.relation).toBe('not primer-like; equivalent to transformer');
  });

  it('prints the leaderboard with bits/char per stage, steps, FLOPs/token, statements and the Primer verdict', () => {
    const r = symevo(['inspect', run, '--top', '3']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`run ${run}: space tiny-blocks, evolving blocks, seed 0, backend cpu, not running`);
    expect(lines[1]).toBe('funnel stages 0: charlm 12 steps at equal FLOPs, 1: charlm 16 steps at equal FLOPs; metric valLoss (lower is better), shown in bits/char');
    const header = lines.findIndex((l) => /^rank\s+id\s+reached\s+stage 0 bits\/char\s+stage 1 bits\/char\s+steps\s+FLOPs\/token\s+statements\s+Primer tests; relation$/.test(l));
    expect(header).toBeGreaterThan(0);
    const body = lines.slice(header + 1).filter((l) => l.trim() !== '');
    expect(body).toHaveLength(3);
    const top = rows[0]!;
    const cells = [
      '1', `#${best.id}`, String(best.stageReached), ...[0, 1].map((s) => (best.metrics[s] ? bits(best.metrics[s]!['valLoss']!).toPrecision(5) : '-')),
      String(top.cost!.steps), top.cost!.flopsPerToken.toLocaleString('en-US'), `${top.statements.before}→${top.statements.after}`,
    ];
    expect(body[0]!.trim().split(/\s+/).slice(0, cells.length)).toEqual(cells);
    expect(body[0]!.endsWith(top.relation)).toBe(true);
  });

  it('--id shows bits/char, the Primer tests, steps per stage and the lineage back to a seed with diffs', () => {
    const r = symevo(['inspect', run, '--id', String(best.id)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`#${best.id}: stage ${best.stageReached} valLoss ${best.score.toPrecision(5)} (${bits(best.score).toPrecision(5)} bits/char)`);
    expect(r.stdout).toMatch(/ {2}classifier: {2}(primer-like|partial|not primer-like)\n {4}(pass|FAIL) {2}squared ReLU {3}.+\n {4}(pass|FAIL) {2}DConv q, k, v {2}/);
    expect(r.stdout).toMatch(/ {2}as evolved:\n {4}def block\(x\):/);
    expect(r.stdout).toContain(`    stage 0 (charlm 12 steps at equal FLOPs): seconds `);
    expect(r.stdout).toContain(`steps ${best.metrics[0]!['steps']}, flopsPerToken ${best.metrics[0]!['flopsPerToken']}`);
    expect(r.stdout).toMatch(/ {4}#\d+ ← seed: seed: copy of seed 1 of 1 \| stage \d valLoss [\d.]+ \([\d.]+ bits\/char\)/);

    const detail = json<{ program: Detail }>(['inspect', run, '--id', String(best.id), '--json']).program;
    expect(detail.stages).toHaveLength(best.stageReached + 1);
    detail.stages.forEach((s) => {
      expect(s.shown!.value).toBeCloseTo(bits(best.metrics[s.stage]!['valLoss']!), 12);
      expect(s.cost!.steps).toBe(best.metrics[s.stage]!['steps']);
      expect(s.cost!.flopsPerToken).toBe(best.metrics[s.stage]!['flopsPerToken']);
    });
    expect(detail.lineage[0]!.id).toBe(best.id);
    detail.lineage.slice(0, -1).forEach((s, i) => {
      expect(s.parentId).toBe(detail.lineage[i + 1]!.id);
      expect(entry(s.id).parentId).toBe(s.parentId);
    });
    expect(detail.lineage.at(-1)).toMatchObject({ parentId: null, diff: '', mutation: { kind: 'seed' } });
    if (detail.lineage.length > 1) expect(detail.lineage[0]!.diff).toMatch(new RegExp(`^--- #${detail.lineage[0]!.parentId}\\n\\+\\+\\+ #${best.id}\\n@@ `));
  });

  it('counts redundant statements as the engine does', () => {
    const doc = json<{ totals: { redundantFraction: number; evaluations: number } }>(['inspect', run, '--json', '--top', '1']);
    let statements = 0, redundant = 0;
    for (const e of journal) {
      const { program } = parseBlock(e.program);
      statements += program.body.length;
      redundant += program.body.length - liveStatementCount(program);
    }
    expect(doc.totals.evaluations).toBe(11);
    expect(doc.totals.redundantFraction).toBeCloseTo(redundant / statements, 12);
  });
});

describe('symevo report on a block run', () => {
  let html: string;
  beforeAll(() => {
    const r = symevo(['report', run, '--top', '2']);
    expect(r.code, r.stderr).toBe(0);
    html = readFileSync(join(run, 'report.html'), 'utf8');
  }, 60_000);

  it('holds every plot, in bits/char, and loads nothing from elsewhere', () => {
    for (const name of ['fitness-evaluations', 'fitness-time', 'throughput', 'cache-hits', 'behaviours']) expect(html).toContain(`data-plot="${name}"`);
    expect(html).toContain('valLoss in bits/char at stage 0 (charlm, 12 steps at equal FLOPs)');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|url\((?!#)/i);
    expect(html).toContain('<tr><th>evolves</th><td>Transformer blocks</td></tr>');
    // The fitness axis spans the stage-0 values in bits/char (charlm's nats per char would sit about 30% lower).
    const plot = html.slice(html.indexOf('data-plot="fitness-evaluations"'), html.indexOf('data-plot="fitness-time"'));
    const axis = plot.slice(plot.indexOf('aria-label="y-axis tick label"'));
    const ticks = [...axis.slice(0, axis.indexOf('</g>')).matchAll(/>([\d.]+)<\/text>/g)].map((m) => Number(m[1]));
    const stage0 = journal.flatMap((e) => (e.metrics?.[0]?.['valLoss'] === undefined ? [] : [bits(e.metrics[0]['valLoss'])]));
    expect(ticks.length).toBeGreaterThan(1);
    for (const t of ticks) expect(t).toBeGreaterThanOrEqual(Math.min(...stage0) - 0.1);
    expect(Math.min(...ticks)).toBeLessThanOrEqual(Math.max(...stage0));
  });

  it('shows the top programs with bits/char, steps and FLOPs, and the Primer verdicts', () => {
    expect(html.match(/<section class="program" data-id="\d+">/g)).toHaveLength(2);
    expect(html.match(/Classifier verdict: <strong class="verdict">(primer-like|partial|not primer-like)<\/strong>/g)).toHaveLength(2);
    const top = rows[0]!;
    const last = best.metrics[best.stageReached]!;
    expect(html).toContain(`<h3>1. #${best.id} — valLoss ${best.score.toPrecision(5)} (${bits(best.score).toPrecision(5)} bits/char) at stage ${best.stageReached}</h3>`);
    expect(html).toContain(
      `stage 0: ${bits(best.metrics[0]!['valLoss']!).toPrecision(5)} bits/char` +
        (best.stageReached === 1 ? `, stage 1: ${bits(last['valLoss']!).toPrecision(5)} bits/char` : ', stage 1: – bits/char') +
        `; at stage ${best.stageReached} trained ${last['steps']} steps, ${last['flopsPerToken']!.toLocaleString('en-US')} FLOPs/token`,
    );
    expect(html).toContain(`${top.statements.before} statements, ${top.statements.after} after simplification`);
    expect(html).toMatch(/<td>squared ReLU<\/td>/);
  });

  it.skipIf(!haveChromium && !REQUIRED)('draws marks in every plot in headless Chromium and makes no network request', async () => {
    expect(haveChromium, `${CHROMIUM} is required (SYMEVO_REQUIRE_TOOLS=1) but was not found`).toBe(true);
    const { url, marks, requests } = await lookAtReport(join(run, 'report.html'));
    expect(marks.map(([name]) => name)).toEqual(['fitness-evaluations', 'fitness-time', 'throughput', 'cache-hits', 'behaviours']);
    for (const [name, count] of marks) expect(count, `marks drawn in ${name}`).toBeGreaterThan(0);
    expect(requests).toEqual([url]);
  }, 60_000);

  it('gives the best program\'s lineage back to a seed', () => {
    expect(html).toMatch(/<ol class="lineage">[\s\S]*#\d+ ← seed: seed: copy of seed 1 of 1 \(stage \d valLoss [\d.]+ \([\d.]+ bits\/char\)\)/);
  });
});

describe('an optimizer run', () => {
  it('keeps its leaderboard as it was: no bits/char, steps, FLOPs or verdict', () => {
    const dir = searchRun(join(root, 'optimizer'), 8);
    const doc = json<{ run: { space: { dialect: string } }; leaderboard: Row[] }>(['inspect', dir, '--json']);
    expect(doc.run.space.dialect).toBe('optimizer');
    for (const row of doc.leaderboard) {
      expect(Object.keys(row)).toEqual(['rank', 'id', 'stageReached', 'score', 'stageScores', 'statements', 'program', 'simplified', 'fingerprint', 'relation', 'kinship']);
    }
    const text = symevo(['inspect', dir]).stdout;
    expect(text.split('\n')[0]).toBe(`run ${dir}: space tiny, seed 0, backend cpu, not running`);
    expect(text).toMatch(/^rank\s+id\s+reached\s+stage 0\s+stage 1\s+statements\s+relation$/m);
  }, 60_000);
});
