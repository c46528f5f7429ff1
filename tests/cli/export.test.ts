// End-to-end tests of `symevo export` through the built command: a PyTorch file that imports and
// takes a step (checked against the interpreter), evaluations of a run directory, bad input.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOptimizer, printProgram, runStep } from '../../src/dsl/index.js';
import { JournalWriter, type JournalEntry } from '../../src/search/index.js';
import { PYTHON, REQUIRE_TOOLS, pythonMissing } from '../export/harness.js';
import { symevo } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'symevo-export-cli-'));
const lionPath = 'dsl/optimizers/lion.dsl';
const torchMissing = pythonMissing('torch');

/** A run directory whose journal holds the given programs as evaluations 0, 1, ... */
function runWith(name: string, programs: readonly string[]): string {
  const run = join(dir, name);
  mkdirSync(run, { recursive: true });
  const journal = JournalWriter.open(run);
  journal.append(
    programs.map(
      (program, id): JournalEntry => ({
        id,
        parentId: id === 0 ? null : id - 1,
        mutation: { kind: id === 0 ? 'seed' : 'modify-constant', detail: 'test' },
        program,
        fingerprint: `f${id}`,
        cacheHit: false,
        timings: { total: 1 },
        time: new Date(0).toISOString(),
        status: 'ok',
        stageReached: 0,
        score: 1,
        metrics: [],
      }),
    ),
  );
  journal.close();
  return run;
}

describe('symevo export', () => {
  it.skipIf(torchMissing !== undefined && !REQUIRE_TOOLS)(
    `writes a PyTorch optimizer that imports and takes the interpreter's step${torchMissing ? ` (skipped: ${torchMissing})` : ''}`,
    () => {
      if (torchMissing) throw new Error(torchMissing);
      const out = join(dir, 'x.py');
      const r = symevo(['export', lionPath, '--to', 'pytorch', '-o', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(out, 'utf8')).toContain('class Lion(torch.optim.Optimizer):');
      const w = Float32Array.from([0.5, -1.25, 2, 0, -0.001]);
      const g = Float32Array.from([0.1, 0.2, -0.3, 0, 4]);
      const script = [
        'import importlib.util, json, sys, torch',
        `spec = importlib.util.spec_from_file_location("x", ${JSON.stringify(out)})`,
        'x = importlib.util.module_from_spec(spec); spec.loader.exec_module(x)',
        `p = torch.nn.Parameter(torch.tensor(${JSON.stringify(Array.from(w))}, dtype=torch.float32))`,
        `p.grad = torch.tensor(${JSON.stringify(Array.from(g))}, dtype=torch.float32)`,
        'x.Lion([p]).step()',
        'print(json.dumps(p.detach().tolist()))',
      ].join('\n');
      const py = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
      expect(py.status, py.stderr).toBe(0);
      // The default lr is the program's multiplier: the interpreter's step at lr 1.
      const update = runStep(parseOptimizer(readFileSync(lionPath, 'utf8')), { w, g, lr: 1, step: 1, slots: [new Float32Array(5)] }).update;
      expect(JSON.parse(py.stdout)).toEqual(Array.from(w, (x, i) => Math.fround(x - update[i]!)));
    },
  );

  it('writes to standard output without -o, with the program in the header', () => {
    const r = symevo(['export', lionPath, '--to', 'typescript']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('export function lionStep(');
    expect(r.stdout).toContain('//         update = interp(g, m, 0.9)');
  });

  it('exports evaluation ID of a run directory (a cut-off last line ignored), named after the run and id', () => {
    const lion = printProgram(parseOptimizer(readFileSync(lionPath, 'utf8')).program);
    const adamw = printProgram(parseOptimizer(readFileSync('dsl/optimizers/adamw.dsl', 'utf8')).program);
    const run = runWith('smoke', [lion, adamw]);
    appendFileSync(join(run, 'events.jsonl'), '{"id": 2, "program": "def tr'); // a write cut off by kill -9
    const r = symevo(['export', `${run}#1`, '--to', 'numpy']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('def smoke1_step(w, g, state, lr=0.001, beta1=0.9, beta2=0.999, weight_decay=0.01):');
    expect(r.stdout).toContain('        update = m / sqrt_v');
  });

  it('refuses a missing run, a missing id and a bad target with exit 2 and no stack trace', () => {
    const run = runWith('short', [printProgram(parseOptimizer(readFileSync(lionPath, 'utf8')).program)]);
    const cases: [string[], string][] = [
      [['export', `${run}#7`, '--to', 'numpy'], `${run} has no evaluation #7 (ids 0 to 0)`],
      [['export', `${join(dir, 'none')}#0`, '--to', 'numpy'], 'is not a run directory'],
      [['export', lionPath, '--to', 'jax'], "argument 'jax' is invalid"],
      [['export', lionPath], "required option '--to <target>' not specified"],
    ];
    for (const [args, message] of cases) {
      const r = symevo(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('reports a bad program with file:line:col, exit 2', () => {
    const bad = join(dir, 'bad.dsl');
    writeFileSync(bad, 'def train(w, g, lr):\n    u = sgn(g)\n    return u\n');
    const r = symevo(['export', bad, '--to', 'pytorch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:2:9: unknown function 'sgn'`);
  });
});
