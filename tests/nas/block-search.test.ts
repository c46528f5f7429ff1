// The engine over the block dialect: a real search of Transformer blocks through the CLI, trained on
// charlm at equal compute, and the space checks that keep a block space to what it can do.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockCost, parseBlock, Rng } from '../../src/dsl/index.js';
import { dialectFor, parseSpace, SpaceError } from '../../src/search/index.js';
import { OPTIMIZER_DIALECT } from '../../src/search/index.js';
import { BLOCK_DIALECT } from '../../src/nas/index.js';
import { equalComputeSteps } from '../../src/tasks/index.js';
import { symevo } from '../cli/run-cli.js';

const SPACE = 'tests/fixtures/spaces/tiny-blocks.json';
const root = mkdtempSync(join(tmpdir(), 'symevo-blocks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Line {
  readonly id: number;
  readonly parentId: number | null;
  readonly program: string;
  readonly status: string;
  readonly score?: number;
  readonly cacheHit: boolean;
  readonly mutation: { readonly kind: string; readonly detail: string };
  readonly metrics?: readonly { readonly steps?: number; readonly flopsPerToken?: number; readonly seconds: number }[];
}

const journal = (dir: string): Line[] =>
  readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Line);

describe('a block search', () => {
  const dir = join(root, 'run');
  let run: ReturnType<typeof symevo>;
  beforeAll(() => {
    run = symevo(['search', '--space', SPACE, '--out', dir, '--backend', 'cpu', '--workers', '1', '--seed', '3']);
  }, 120_000);

  it('finishes its budget with mutated blocks that check', () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const lines = journal(dir);
    expect(lines.map((l) => l.id)).toEqual(Array.from({ length: 11 }, (_, i) => i));
    const children = lines.filter((l) => l.parentId !== null);
    expect(children.length).toBe(8);
    for (const c of children) {
      expect(() => parseBlock(c.program, `candidate-${c.id}.dsl`, { width: 16 })).not.toThrow();
      expect(['insert', 'delete', 'unwrap', 'swap-activation', 'insert-dconv', 'change-dconv', 'change-width', 'change-heads', 'change-constant', 'rewire']).toContain(c.mutation.kind);
    }
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toMatch(/"dialect": "block"/);
  }, 120_000);

  it('trains every block for the steps that spend the vanilla block\'s FLOPs, and records both', () => {
    const lines = journal(dir).filter((l) => !l.cacheHit && l.status === 'ok');
    const base = lines.find((l) => l.id === 0)!.metrics!;
    const stageSteps = [12, 16];
    let differs = 0;
    for (const l of lines) {
      l.metrics!.forEach((m, stage) => {
        const reference = base[stage]!.flopsPerToken!;
        expect(m.steps).toBe(equalComputeSteps(stageSteps[stage]!, reference, m.flopsPerToken!));
        // Within half a step of the vanilla block's training FLOPs.
        expect(Math.abs(m.steps! * m.flopsPerToken! - stageSteps[stage]! * reference)).toBeLessThanOrEqual(m.flopsPerToken! / 2);
        if (m.flopsPerToken !== reference) differs++;
      });
    }
    expect(differs).toBeGreaterThan(0);
  });

  it('resumes a stopped block run where it stopped', () => {
    const resumed = join(root, 'resumed');
    expect(symevo(['search', '--space', SPACE, '--out', resumed, '--backend', 'cpu', '--workers', '1', '--seed', '3', '--budget', '5']).code).toBe(0);
    expect(journal(resumed)).toHaveLength(5);
    const r = symevo(['resume', resumed, '--backend', 'cpu', '--workers', '1', '--budget', '11']);
    expect(r.code).toBe(0);
    const lines = journal(resumed);
    expect(lines.map((l) => l.id)).toEqual(Array.from({ length: 11 }, (_, i) => i));
    for (const l of lines.slice(5)) expect(() => parseBlock(l.program, 'resumed.dsl', { width: 16 })).not.toThrow();
  }, 120_000);

  it('is reproduced by the same seed', () => {
    const again = join(root, 'again');
    expect(symevo(['search', '--space', SPACE, '--out', again, '--backend', 'cpu', '--workers', '1', '--seed', '3']).code).toBe(0);
    const strip = (l: Line) => [l.id, l.program, l.status, l.score];
    expect(journal(again).map(strip)).toEqual(journal(dir).map(strip));
  }, 120_000);
});

describe('equal-compute steps', () => {
  it('spend the reference budget to within half a step, fewer for a costlier block', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1000, max: 10 ** 7 }), fc.integer({ min: 1000, max: 10 ** 7 }), (steps, ref, flops) => {
        const n = equalComputeSteps(steps, ref, flops);
        expect(n).toBeGreaterThanOrEqual(1);
        if (n > 1) expect(Math.abs(n * flops - steps * ref)).toBeLessThanOrEqual(flops / 2);
        expect(equalComputeSteps(steps, ref, flops * 2)).toBeLessThanOrEqual(n);
      }),
    );
    expect(equalComputeSteps(300, 100, 100)).toBe(300);
  });
});

describe('block spaces', () => {
  const text = readFileSync(SPACE, 'utf8');
  const edited = (edit: (space: Record<string, unknown>) => void) => {
    const space = JSON.parse(text) as Record<string, unknown>;
    edit(space);
    return () => parseSpace(JSON.stringify(space), SPACE);
  };
  const stage = (s: Record<string, unknown>) => (s.funnel as Record<string, unknown>[])[0]!;

  it('loads the shipped primer space', () => {
    const space = parseSpace(readFileSync('search-spaces/primer.json', 'utf8'), 'search-spaces/primer.json');
    expect(space.dialect).toBe('block');
    expect(space.block?.optimizer.source).toMatch(/def train/);
    expect(space.seeds[0]!.text).toMatch(/^def block\(x\):/);
  });

  it.each([
    ['learning-rate factors', (s: Record<string, unknown>) => (s.lrFactors = [1, 3]), /lrFactors: learning-rate factors scale an evolved optimizer/],
    ['an MLP task', (s: Record<string, unknown>) => (stage(s).task = 'mlp-teacher'), /funnel\[0\]\.task: blocks train on the charlm task/],
    ['the built-in block\'s activation', (s: Record<string, unknown>) => (stage(s).act = 'sqrelu'), /funnel\[0\]\.act: act sets the built-in block/],
    ['an optimizer mode', (s: Record<string, unknown>) => (s.mutation = { mode: 'random' }), /mutation\.mode: a block space evolves its blocks/],
    ['an optimizer seed', (s: Record<string, unknown>) => (s.seeds = ['dsl/optimizers/adamw.dsl']), /seeds\[0\]: .*adamw\.dsl:\d+:\d+/],
  ])('refuses %s', (_, edit, message) => {
    const load = edited(edit);
    expect(load).toThrow(SpaceError);
    expect(load).toThrow(message);
  });

  it('refuses block settings and equal compute in an optimizer space', () => {
    const optimizer = JSON.parse(readFileSync('tests/fixtures/spaces/tiny.json', 'utf8')) as Record<string, unknown>;
    optimizer.block = {};
    (optimizer.funnel as Record<string, unknown>[])[0]!.compute = 'flops';
    const load = () => parseSpace(JSON.stringify(optimizer), 'tests/fixtures/spaces/tiny.json');
    expect(load).toThrow(/block: block settings need "dialect": "block"/);
    expect(load).toThrow(/funnel\[0\]\.compute: equal compute is for block spaces/);
  });

  it('keeps children within a FLOPs range around the baseline, when the space sets one', () => {
    const base = parseSpace(text, SPACE);
    const windowed = parseSpace(JSON.stringify({ ...JSON.parse(text), block: { ...JSON.parse(text).block, flopsRange: [0.9, 1.1] } }), SPACE);
    const flops = (program: string) => blockCost(parseBlock(program, 'child.dsl', { width: 16 }), 16, 16).flopsPerToken;
    const seed = flops(base.seeds[0]!.text);
    const ratios = (space: typeof base) => {
      const mutate = BLOCK_DIALECT.mutator(space);
      const rng = Rng.fromSeed(5);
      let parent = space.seeds[0]!.text;
      return Array.from({ length: 40 }, () => {
        const child = mutate(parent, rng);
        if (!child.ok) throw new Error(child.reason);
        parent = child.program;
        return flops(child.program) / seed;
      });
    };
    expect(ratios(windowed).every((r) => r >= 0.9 && r <= 1.1)).toBe(true);
    expect(ratios(base).some((r) => r < 0.9 || r > 1.1)).toBe(true);
    expect(edited((s) => ((s.block as Record<string, unknown>).flopsRange = [1.2, 2]))).toThrow(/block\.flopsRange: expected low ≤ 1 ≤ high/);
  });

  it('is searched only by an engine that has the dialect', () => {
    expect(dialectFor({ dialect: 'block' }, { block: BLOCK_DIALECT }).name).toBe('block');
    expect(() => dialectFor({ dialect: 'block' }, { optimizer: OPTIMIZER_DIALECT })).toThrow(/cannot search the "block" dialect/);
  });
});
