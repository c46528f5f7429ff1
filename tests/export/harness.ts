// Checks exported optimizers against the reference interpreter: the programs (seeds and generated
// ones), multi-step input cases, the reference trajectory, the comparison, and the runners for the
// TypeScript export (in process) and the Python exports (one python process for many programs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import ts from 'typescript';
import { parseOptimizer, printProgram, runStep, type CheckedOptimizer } from '../../src/dsl/index.js';
import { exportOptimizer, planHyperparameters, type Target } from '../../src/export/index.js';
import { arbFloat32, arbOptimizer, arbOrdinaryFloat32 } from '../dsl/arbitraries.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PYTHON = '/usr/bin/python3';
export const REQUIRE_TOOLS = process.env['SYMEVO_REQUIRE_TOOLS'] === '1';
export const STEPS = 5;

export interface Subject {
  /** Label for failures: a seed file or the generated program's text. */
  readonly label: string;
  readonly checked: CheckedOptimizer;
}

/** Every program in dsl/optimizers. */
export function seedPrograms(): Subject[] {
  const dir = join(HERE, '..', '..', 'dsl', 'optimizers');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dsl'))
    .sort()
    .map((f) => ({ label: f, checked: parseOptimizer(readFileSync(join(dir, f), 'utf8'), f) }));
}

/**
 * Hand-written programs for what generated ones lack: nested expressions, every macro, names that
 * exported code uses itself (np, f, map, state, like, self, i, n, Math, ...), a slot named like a
 * module, and a name that changes type.
 */
export const AWKWARD_PROGRAMS: readonly string[] = [
  `def train(w, g, np, lr, step):
    div = g / np
    f = rms(div) + cosine_sim(g, w)
    map = clip_by_norm(g, f)
    delete = -(-map)
    state = norm(g * 2) + mean(w) + dot(g, w)
    lr = lr * state
    lr = g * lr
    update = delete * lr + power(2, step) + exp10(g) - log1p(w) + cbrt(g)
    np = update
    return update, np
`,
  `def train(w, g, torch, self, lr):
    like = interp(g, torch, 0.9) * (lr * 0.01)
    i = sqrt(abs(self)) + 1e-8
    n = like / i
    Math = tanh(exp2(-g) - expm1(tanh(w)) * reciprocal(g) + log2(g) * log10(w))
    f32 = sign(Math) * sinh(tanh(w)) + cosh(tanh(g)) * tanh(w) - arctan(g) + arcsinh(w)
    self = interp(square(g), self, 0.99)
    torch = interp(g, torch, 0.9)
    update = n * 0.01 + f32 * 0.001 + clip(w, 0.5) * w * 0.001 + pi() * e() * eps()
    return update, torch, self
`,
  `def train(w, g, m, lr):
    Float32Array = arcsin(tanh(g) * 0.5) + arccos(tanh(w) * 0.25) + arccosh(abs(g) + 2) + arctanh(tanh(w) * 0.5)
    hp = max(g, w) - min(g, m) + cube(tanh(w)) + exp(tanh(g)) + log(w) * 0.001 + sin(g) + cos(w) + tan(tanh(g))
    m = interp(m, g, lr)
    x = sqrt(m)
    x = rms(x)
    m = x
    update = Float32Array * hp * 0.001 + lr * 0.1
    return update, m
`,
];

export function awkwardPrograms(): Subject[] {
  return AWKWARD_PROGRAMS.map((text, i) => ({ label: text, checked: parseOptimizer(text, `awkward-${i}.dsl`) }));
}

/** Generated programs, with AdamW's signature and with `step` and one slot; fixed seed, so reproducible. */
export function generatedPrograms(count: number, seed: number): Subject[] {
  const programs = [
    ...fc.sample(arbOptimizer(), { seed, numRuns: Math.ceil(count / 2) }),
    ...fc.sample(arbOptimizer({ params: ['w', 'g', 'm', 'lr', 'step'] }), { seed: seed + 1, numRuns: Math.floor(count / 2) }),
  ];
  return programs.map((p) => {
    const text = printProgram(p);
    return { label: text, checked: parseOptimizer(text, 'generated.dsl') };
  });
}

/** Inputs for several steps: the first weight, then a gradient and a scheduled lr per step. */
export interface Case {
  /** The parameter's shape (its size is w0.length); exports see it, the interpreter a flat array. */
  readonly shape: readonly number[];
  readonly w0: Float32Array;
  readonly grads: readonly Float32Array[];
  readonly lrs: readonly number[];
}

/** Cases of odd sizes; `special` mixes in 0, -0, NaN, ±Inf, ±1e30 and ±1e-30. */
export function arbCase(special: boolean): fc.Arbitrary<Case> {
  const element = special ? arbFloat32 : arbOrdinaryFloat32;
  return fc.integer({ min: 1, max: 9 }).chain((n) => {
    const tensor = fc.array(element, { minLength: n, maxLength: n }).map((xs) => Float32Array.from(xs));
    return fc.record({
      shape: fc.constantFrom<number[]>([n], n % 2 === 0 ? [2, n / 2] : [n, 1]),
      w0: tensor,
      grads: fc.array(tensor, { minLength: STEPS, maxLength: STEPS }),
      lrs: fc.array(fc.double({ min: 1e-3, max: 1, noNaN: true }).map(Math.fround), { minLength: STEPS, maxLength: STEPS }),
    });
  });
}

/** One ordinary and one special case per program, drawn with a fixed seed. */
export function casesFor(index: number): Case[] {
  return [fc.sample(arbCase(false), { seed: 1000 + index, numRuns: 1 })[0]!, fc.sample(arbCase(true), { seed: 2000 + index, numRuns: 1 })[0]!];
}

/** Weights and slots after each step. */
export interface Trajectory {
  readonly ws: Float32Array[];
  readonly slots: Float32Array[][];
}

/** The interpreter's trajectory: w = w - update in float32 after each step, slots from zero. */
export function reference(checked: CheckedOptimizer, c: Case): Trajectory {
  let w = c.w0;
  let slots: Float32Array[] = checked.signature.slots.map(() => new Float32Array(c.w0.length));
  const out: Trajectory = { ws: [], slots: [] };
  c.grads.forEach((g, t) => {
    const r = runStep(checked, { w, g, lr: c.lrs[t]!, step: t + 1, slots });
    w = w.map((x, i) => Math.fround(x - r.update[i]!));
    slots = r.slots;
    out.ws.push(w);
    out.slots.push(slots);
  });
  return out;
}

/** The lr an exported optimizer takes for the program's lr input: lr * C when the export folded it. */
export function exportedLr(checked: CheckedOptimizer, lrIn: number): number {
  const { lr } = planHyperparameters(checked);
  return lr.folded ? Math.fround(Math.fround(lrIn) * Math.fround(lr.value)) : lrIn;
}

/** Elementwise closeness: equal (NaN to NaN), or both finite and within `rtol` relative to max(1, |want|). */
export function closeValues(want: Float32Array, got: Float32Array, rtol: number): boolean {
  return (
    want.length === got.length &&
    want.every((x, i) => {
      const y = got[i]!;
      return x === y || (Number.isNaN(x) && Number.isNaN(y)) || (Number.isFinite(x) && Math.abs(x - y) <= rtol * Math.max(1, Math.abs(x)));
    })
  );
}

/** Elementwise equality where NaN equals NaN and -0 equals 0 (the sign of a zero reaches no weight but a zero's). */
export function sameValues(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i] || (Number.isNaN(x) && Number.isNaN(b[i]!)));
}

/** Describes the first difference between two trajectories, or undefined when they agree. */
export function difference(want: Trajectory, got: Trajectory, rtol = 0): string | undefined {
  const same = (a: Float32Array, b: Float32Array) => (rtol === 0 ? sameValues(a, b) : closeValues(a, b, rtol));
  for (let t = 0; t < want.ws.length; t++) {
    if (!same(want.ws[t]!, got.ws[t]!)) return `step ${t + 1}: w ${show(got.ws[t]!)}, interpreter ${show(want.ws[t]!)}`;
    for (let k = 0; k < want.slots[t]!.length; k++) {
      if (!same(want.slots[t]![k]!, got.slots[t]![k]!)) {
        return `step ${t + 1}: slot ${k + 1} ${show(got.slots[t]![k]!)}, interpreter ${show(want.slots[t]![k]!)}`;
      }
    }
  }
  return undefined;
}

const show = (a: Float32Array) => `[${Array.from(a).join(', ')}]`;

/** The export's text for a subject, named so that its functions are found: `P3` → p3Step, class P3, ... */
export function exportSubject(s: Subject, target: Target, index: number): string {
  return exportOptimizer(s.checked, target, { name: `P${index}` });
}

// ---------------------------------------------------------------------------------------------
// TypeScript: transpile with the compiler's transpileModule and import the JavaScript

interface TsModule {
  readonly [name: string]: unknown;
}

export async function importTypescript(source: string): Promise<TsModule> {
  const js = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 },
    reportDiagnostics: true,
  });
  if (js.diagnostics && js.diagnostics.length > 0) throw new Error(ts.flattenDiagnosticMessageText(js.diagnostics[0]!.messageText, '\n'));
  return (await import(`data:text/javascript;base64,${Buffer.from(js.outputText).toString('base64')}`)) as TsModule;
}

type TsStep = (w: Float32Array, g: Float32Array, state: unknown, hp: Record<string, number>) => { w: Float32Array; state: Record<string, unknown> };

/** Runs the TypeScript export `P{index}` over a case. */
export function runTypescript(mod: TsModule, index: number, checked: CheckedOptimizer, c: Case): Trajectory {
  const init = mod[`p${index}Init`] as (n: number) => unknown;
  const step = mod[`p${index}Step`] as TsStep;
  let w = c.w0;
  let state = init(w.length);
  const out: Trajectory = { ws: [], slots: [] };
  c.grads.forEach((g, t) => {
    const r = step(w, g, state, { lr: exportedLr(checked, c.lrs[t]!) });
    w = r.w;
    state = r.state;
    out.ws.push(w);
    out.slots.push(checked.signature.slots.map((s) => r.state[s] as Float32Array));
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Python: one process runs every (module, case) job and writes the trajectories back

/** Why python with `modules` cannot run here, or undefined when it can. */
export function pythonMissing(modules: string): string | undefined {
  const r = spawnSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore' });
  return r.status === 0 ? undefined : `${PYTHON} cannot import ${modules}`;
}

export interface PythonJob {
  readonly source: string;
  readonly checked: CheckedOptimizer;
  readonly cases: readonly Case[];
}

const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const fromB64 = (s: string) => {
  const bytes = Buffer.from(s, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

/** Runs every job's module (an export named P{job index}) in one python process; optax under jax_standin.py. */
export function runPython(kind: 'numpy' | 'pytorch' | 'optax', jobs: readonly PythonJob[]): (Trajectory | { error: string })[][] {
  const dir = mkdtempSync(join(tmpdir(), 'symevo-export-'));
  const spec = jobs.map((job, i) => {
    const module = join(dir, `p${i}.py`);
    writeFileSync(module, job.source);
    return {
      module,
      name: `P${i}`,
      slots: job.checked.signature.slots,
      cases: job.cases.map((c) => ({ shape: c.shape, w0: b64(c.w0), grads: c.grads.map(b64), lrs: c.lrs.map((lr) => exportedLr(job.checked, lr)) })),
    };
  });
  const input = join(dir, 'jobs.json');
  writeFileSync(input, JSON.stringify({ kind, jobs: spec }));
  const r = spawnSync(PYTHON, [join(HERE, 'run_exports.py'), input], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  const results = JSON.parse(r.stdout) as ({ ws: string[]; slots: string[][] } | { error: string })[][];
  return results.map((cases) =>
    cases.map((x) => ('error' in x ? x : { ws: x.ws.map(fromB64), slots: x.slots.map((s) => s.map(fromB64)) })),
  );
}

/** Type errors of TypeScript sources (file name → text), checked together under strict options. */
export function typeErrors(files: ReadonlyMap<string, string>): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    lib: ['lib.es2022.d.ts'],
    types: [],
    noEmit: true,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => {
    const text = files.get(name);
    return text !== undefined ? ts.createSourceFile(name, text, version) : getSourceFile(name, version);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${d.file?.fileName ?? ''}:${where ? where.line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}
