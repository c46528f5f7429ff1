// Every op of the catalogue, compiled alone to WGSL, against the interpreter on awkward and random inputs.
import { expect, it } from 'vitest';
import { OPS, OP_NAMES, Rng, parseOptimizer, runStep, type OpName, type OpSpec } from '../../src/dsl/index.js';
import { compileOptimizer, type ElementwiseOpName, type WebGpuOptimizer } from '../../src/compile/index.js';
import { describeGpu } from '../gpu/gpu-context.js';
import { EXACT, maxUlps, mismatches, ulpOf, ulps, type Tolerance } from './float-compare.js';
import { coverageInputs, randomValue } from './op-inputs.js';

const SIZES = [1, 7, 256, 257, 1000];
const RANDOM_ROWS = 4000;

/**
 * Allowed error per op, from `x` (the op's first input column). Exact: what llvmpipe computes
 * correctly rounded (+ - * / sqrt) and everything built from it without rounding in between.
 * The others are measured maxima over 2^18 random inputs per magnitude decade, plus one ulp.
 */
const TOLERANCE: Record<ElementwiseOpName, (x: Float32Array) => Tolerance> = {
  add: () => EXACT, sub: () => EXACT, mul: () => EXACT, div: () => EXACT, negative: () => EXACT,
  max: () => EXACT, min: () => EXACT, interp: () => EXACT, clip: () => EXACT, abs: () => EXACT,
  sign: () => EXACT, square: () => EXACT, cube: () => EXACT, sqrt: () => EXACT, reciprocal: () => EXACT,
  // exp2(y log2|x|): the rounding of the exponent y log2|x| grows with its size (about 0.7 ulp per unit).
  power: () => (cpu) => (8 + Math.abs(Math.log2(Math.abs(cpu)))) * ulpOf(cpu),
  cbrt: () => ulps(2), exp: () => ulps(2), exp2: () => ulps(2), exp10: () => ulps(2), expm1: () => ulps(2),
  log: () => ulps(2), log2: () => ulps(3), log10: () => ulps(3), log1p: () => ulps(3),
  arcsin: () => ulps(3), arccos: () => ulps(3), arctan: () => ulps(4),
  sinh: () => ulps(5), cosh: () => ulps(4), tanh: () => ulps(3),
  arcsinh: () => ulps(4), arccosh: () => ulps(3), arctanh: () => ulps(4),
  sin: trigTolerance, cos: trigTolerance, tan: trigTolerance,
};

/**
 * sin, cos and tan are the driver's built-ins. llvmpipe's are within 3 ulp for |x| < 1e4, plus an
 * absolute error that grows with |x| (argument reduction) and, for tan, with the slope 1 + tan^2.
 * Beyond |x| = 1e4 they are not reduced accurately and any finite value is accepted.
 */
function trigTolerance(x: Float32Array): Tolerance {
  return (cpu, _gpu, i) => {
    const a = Math.abs(x[i]!);
    if (a > 1e4) return Infinity;
    return Math.max(4 * ulpOf(cpu), 2 ** -40 * a * (1 + cpu * cpu));
  };
}

const OPERATORS: Partial<Record<OpName, string>> = { add: '+', sub: '-', mul: '*', div: '/' };
const ELEMENTWISE = OP_NAMES.filter((op) => (OPS[op] as OpSpec).kind === 'map') as ElementwiseOpName[];

function programFor(op: OpName, args: readonly string[]) {
  const operator = OPERATORS[op];
  const expr = operator === undefined ? `${op}(${args.join(', ')})` : `${args[0]} ${operator} ${args[1]}`;
  return parseOptimizer(`def f(w, g, m, lr):\n    update = ${expr}\n    return update, m\n`);
}

/** Runs `optimizer` and the interpreter on columns (g, w, m) and returns both updates. */
async function both(optimizer: WebGpuOptimizer, columns: readonly Float32Array[], lr = 0.5) {
  const n = columns[0]!.length;
  const g = columns[0]!;
  const w = columns[1] ?? new Float32Array(n);
  const m = columns[2] ?? new Float32Array(n);
  const inputs = { w, g, lr, step: 1, slots: [m] };
  const gpu = await optimizer.run(inputs);
  return { gpu: gpu.update!, cpu: runStep(optimizer.checked, inputs).update };
}

await describeGpu('each elementwise op on the GPU', (gpu) => {
  it('has a tolerance for every elementwise op of the catalogue', () => {
    expect(Object.keys(TOLERANCE).sort()).toEqual([...ELEMENTWISE].sort());
  });

  for (const op of ELEMENTWISE) {
    it(`${op} matches the interpreter, NaN and Inf included, for n = ${SIZES.join(', ')} and ${RANDOM_ROWS} random rows`, async () => {
      const spec: OpSpec = OPS[op];
      const checked = programFor(op, ['g', 'w', 'm'].slice(0, spec.arity));
      const compiled = await compileOptimizer(checked, { backend: 'webgpu', device: gpu.device, label: op });
      if (!compiled.ok) throw new Error(compiled.reason);
      const columns = coverageInputs(spec.arity, RANDOM_ROWS, 1, op === 'power' ? 12 : 1e30);
      const total = columns[0]!.length;
      for (const n of [...SIZES, total]) {
        const part = columns.map((c) => c.subarray(0, n));
        const { gpu: out, cpu } = await both(compiled.optimizer, part);
        const bad = mismatches(out, cpu, TOLERANCE[op](part[0]!));
        const shown = bad.slice(0, 5).map((b) => ({ ...b, inputs: part.map((c) => c[b.index]) }));
        expect(shown, `${op}, n = ${n}, max ${maxUlps(out, cpu)} ulp`).toEqual([]);
      }
      compiled.optimizer.destroy();
    });
  }

  it('takes scalar operands from lr, constants (pi, e, eps included) and host-computed scalars', async () => {
    const rng = Rng.fromSeed(2);
    const g = Float32Array.from({ length: 300 }, () => randomValue(rng, 100));
    const m = Float32Array.from({ length: 300 }, () => rng.next());
    for (const expr of ['max(g, lr)', 'clip(g, lr * 3)', 'interp(g, m, 0.9)', 'interp(lr, g, m)', 'g / (1 - 0.9 ** lr)', 'g * exp(lr) - lr ** 0.3', 'g * pi() + e() * eps()']) {
      const checked = parseOptimizer(`def f(w, g, m, lr):\n    update = ${expr}\n    return update, m\n`);
      const compiled = await compileOptimizer(checked, { backend: 'webgpu', device: gpu.device });
      if (!compiled.ok) throw new Error(compiled.reason);
      const { gpu: out, cpu } = await both(compiled.optimizer, [g, new Float32Array(300), m], 0.37);
      expect(mismatches(out, cpu, EXACT), expr).toEqual([]);
      compiled.optimizer.destroy();
    }
  });
});

/**
 * Worst-case bound for an f32 tree sum (Higham's gamma_k) against the float64 sum: each element
 * passes through one thread's sequential loop (ceil(n / threads) adds), the partial kernel's tree
 * (8 levels), the final kernel's strided loop and tree (1 + 8 levels), and a final rounding.
 */
function sumDepth(n: number): number {
  const groups = Math.min(256, Math.max(1, Math.ceil(n / 256)));
  return Math.ceil(n / (groups * 256)) + 8 + 1 + 8 + 2;
}

interface ReductionCase {
  readonly expr: string;
  /** Allowed |gpu - cpu| for the scalar, from float64 sums over the inputs. */
  readonly bound: (g: Float32Array, w: Float32Array, cpu: number) => number;
}

const EPS = 2 ** -24;
const sum = (n: number, term: (i: number) => number) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += term(i);
  return s;
};

const REDUCTIONS: readonly ReductionCase[] = [
  { expr: 'mean(g)', bound: (g, _w, cpu) => sumDepth(g.length) * EPS * (sum(g.length, (i) => Math.abs(g[i]!)) / g.length) + ulpOf(cpu) },
  { expr: 'dot(g, w)', bound: (g, w, cpu) => (sumDepth(g.length) + 1) * EPS * sum(g.length, (i) => Math.abs(g[i]! * w[i]!)) + ulpOf(cpu) },
  { expr: 'norm(g)', bound: (g, _w, cpu) => (sumDepth(g.length) + 4) * EPS * cpu + ulpOf(cpu) },
  { expr: 'rms(g)', bound: (g, _w, cpu) => (sumDepth(g.length) + 4) * EPS * cpu + ulpOf(cpu) },
  {
    // dot / (norm * norm): the dot's absolute error over the norms, plus a few roundings.
    expr: 'cosine_sim(g, w)',
    bound: (g, w, cpu) => {
      const scale = Math.sqrt(sum(g.length, (i) => g[i]! ** 2) * sum(w.length, (i) => w[i]! ** 2));
      const dotError = (sumDepth(g.length) + 1) * EPS * sum(g.length, (i) => Math.abs(g[i]! * w[i]!));
      return dotError / scale + (sumDepth(g.length) + 8) * EPS * Math.abs(cpu) + ulpOf(cpu);
    },
  },
];

await describeGpu('reductions on the GPU', (gpu) => {
  async function check(expr: string, g: Float32Array, w: Float32Array, bound: ReductionCase['bound']) {
    const checked = parseOptimizer(`def f(w, g, lr):\n    update = ${expr}\n    return update\n`);
    const compiled = await compileOptimizer(checked, { backend: 'webgpu', device: gpu.device });
    if (!compiled.ok) throw new Error(compiled.reason);
    const inputs = { w, g, lr: 0.5, step: 1, slots: [] };
    const out = (await compiled.optimizer.run(inputs)).update!;
    const cpu = runStep(checked, inputs).update[0]!;
    compiled.optimizer.destroy();
    const tolerance = Number.isFinite(cpu) ? bound(g, w, cpu) : 0;
    const bad = mismatches(out.subarray(0, 1), Float32Array.of(cpu), () => tolerance);
    expect(bad, `${expr} over ${g.length} elements (tolerance ${tolerance})`).toEqual([]);
    expect(new Set(out).size, 'a scalar update is broadcast').toBeLessThanOrEqual(1);
  }

  const random = (n: number, seed: number, maxMagnitude: number) => {
    const rng = Rng.fromSeed(seed);
    return Float32Array.from({ length: n }, () => randomValue(rng, maxMagnitude));
  };

  for (const { expr, bound } of REDUCTIONS) {
    it(`${expr} agrees within the float32 summation bound for n = 1 ... 300000`, async () => {
      for (const [k, n] of [1, 7, 256, 257, 1000, 65_537, 300_000].entries()) {
        await check(expr, random(n, 10 + k, 4), random(n, 20 + k, 4), bound);
      }
    });
  }

  it('norm has no spurious overflow or underflow: 1e30 and 1e-30 elements, alone or mixed', async () => {
    const norm = REDUCTIONS.find((r) => r.expr === 'norm(g)')!.bound;
    const fill = (n: number, ...values: number[]) => Float32Array.from({ length: n }, (_, i) => values[i % values.length]!);
    for (const g of [fill(1000, 1e30), fill(1000, 1e-30), fill(1000, 1e30, 1, 1e-30), fill(999, -3e38), fill(5, 1e-30, 2e-30, -1e-20), fill(1000, 1e19, 3e19)]) {
      await check('norm(g)', g, g, norm);
    }
  });

  it('propagates NaN and Inf like the interpreter on the awkward values', async () => {
    const [g] = coverageInputs(1, 0, 3);
    const bound = (expr: string) => REDUCTIONS.find((r) => r.expr === expr)!.bound;
    const cases = [['norm(g)', bound('norm(g)')], ['mean(g)', bound('mean(g)')], ['dot(g, g)', bound('dot(g, w)')], ['rms(g)', bound('rms(g)')]] as const;
    for (const [expr, tolerance] of cases) {
      // All of them, then slices with one NaN, one Inf, and only finite awkward values.
      for (const part of [g!, g!.subarray(0, 3), g!.subarray(3, 4), g!.subarray(5, 12)]) await check(expr, part, part, tolerance);
    }
  });

  it('clip_by_norm scales elementwise by the reduced factor', async () => {
    const rng = Rng.fromSeed(5);
    const g = Float32Array.from({ length: 5000 }, () => randomValue(rng, 4));
    const checked = parseOptimizer('def f(w, g, lr):\n    update = clip_by_norm(g, lr)\n    return update\n');
    const compiled = await compileOptimizer(checked, { backend: 'webgpu', device: gpu.device });
    if (!compiled.ok) throw new Error(compiled.reason);
    const inputs = { w: g, g, lr: 0.5, step: 1, slots: [] };
    const out = (await compiled.optimizer.run(inputs)).update!;
    const cpu = runStep(checked, inputs).update;
    const rtol = (sumDepth(g.length) + 8) * EPS;
    expect(mismatches(out, cpu, (c) => rtol * Math.abs(c) + ulpOf(c))).toEqual([]);
    compiled.optimizer.destroy();
  });
});
