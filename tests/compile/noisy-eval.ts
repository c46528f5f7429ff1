// Stochastic-arithmetic estimate of how much a program's outputs move when each inexact op errs by a few ulp.
//
// The GPU's transcendental functions and float32 reductions differ from the interpreter's by a few
// ulp; a program can amplify that (sin of a large sinh) or flip on it (sign near 0). Running the
// program's graph on the CPU with every inexact result nudged by a random error of the GPU's size
// shows, per element, how far an honest implementation may land from the reference: the spread of
// a few such runs is that element's tolerance.
import { OPS, Rng, type NodeId, type OpSpec, type OptimizerGraph, type StepInputs } from '../../src/dsl/index.js';

type Value = number | Float32Array;

const EPS = 2 ** -24;

/** Relative error (in units of 2^-24) of each inexact elementwise op on the GPU, with margin. */
function opNoise(op: string, result: number): number {
  switch (op) {
    case 'add': case 'sub': case 'mul': case 'div': case 'negative': case 'max': case 'min': case 'interp': case 'clip':
    case 'abs': case 'sign': case 'square': case 'cube': case 'sqrt': case 'reciprocal':
      return 0;
    case 'power':
      return 8 + Math.abs(Math.log2(Math.abs(result)) || 0);
    default:
      return 8;
  }
}

/** One run of `graph` with every inexact op's result perturbed; returns the output node values. */
export function noisyRun(graph: OptimizerGraph, inputs: StepInputs, rng: Rng): Map<NodeId, Value> {
  const n = inputs.w.length;
  const values = new Map<NodeId, Value>();
  const nudge = (x: number, units: number) => (units === 0 || !Number.isFinite(x) ? x : Math.fround(x * (1 + (rng.next() * 2 - 1) * units * EPS)));
  graph.nodes.forEach((node, id) => {
    if (node.kind === 'const') values.set(id, node.value);
    else if (node.kind === 'input') values.set(id, inputValue(node.name, graph, inputs));
    else {
      const spec: OpSpec = OPS[node.op];
      const args = node.args.map((a) => values.get(a)!);
      if (spec.kind === 'reduce') values.set(id, noisyReduce(node.op, args as Float32Array[], rng));
      else if (spec.kind === 'map') {
        const tensor = args.some((a) => typeof a !== 'number');
        const at = (a: Value, i: number) => (typeof a === 'number' ? a : a[i]!);
        if (!tensor) {
          const r = spec.scalar!(...(args as number[]));
          values.set(id, nudge(r, opNoise(node.op, r)));
        } else {
          const out = new Float32Array(n);
          for (let i = 0; i < n; i++) {
            const r = spec.scalar!(...args.map((a) => at(a, i)));
            out[i] = nudge(r, opNoise(node.op, r));
          }
          values.set(id, out);
        }
      } else throw new Error(`${node.op}: expand macros before a noisy run`);
    }
  });
  return values;
}

function inputValue(name: string, graph: OptimizerGraph, inputs: StepInputs): Value {
  if (name === 'w') return inputs.w;
  if (name === 'g') return inputs.g;
  if (name === 'lr') return Math.fround(inputs.lr);
  if (name === 'step') return Math.fround(inputs.step);
  return inputs.slots[graph.signature.slots.indexOf(name)]!;
}

/** The float64 reduction, moved by a random fraction of the float32 tree-sum error bound. */
function noisyReduce(op: string, [x, y]: Float32Array[], rng: Rng): number {
  let sum = 0;
  let magnitude = 0;
  for (let i = 0; i < x!.length; i++) {
    const term = op === 'mean' ? x![i]! : op === 'dot' ? x![i]! * y![i]! : x![i]! * x![i]!;
    sum += term;
    magnitude += Math.abs(term);
  }
  const depth = Math.ceil(Math.log2(x!.length + 1)) + 24;
  sum += (rng.next() * 2 - 1) * depth * EPS * magnitude;
  if (op === 'norm') return Math.fround(Math.sqrt(Math.max(0, sum)));
  if (op === 'mean') return Math.fround(sum / x!.length);
  return Math.fround(sum);
}

/**
 * Per element of each output (update, then every slot): the largest distance of a noisy run from
 * the exact run, and whether NaN appeared or vanished in some noisy run.
 */
export function outputSpread(graph: OptimizerGraph, outputs: readonly NodeId[], inputs: StepInputs, reference: readonly Float32Array[], runs = 4, seed = 1): { spread: Float64Array; unstable: Uint8Array }[] {
  const n = inputs.w.length;
  const result = outputs.map(() => ({ spread: new Float64Array(n), unstable: new Uint8Array(n) }));
  const rng = Rng.fromSeed(seed);
  for (let r = 0; r < runs; r++) {
    const values = noisyRun(graph, inputs, rng);
    outputs.forEach((id, k) => {
      const v = values.get(id)!;
      const ref = reference[k]!;
      const { spread, unstable } = result[k]!;
      for (let i = 0; i < n; i++) {
        const a = typeof v === 'number' ? v : v[i]!;
        const b = ref[i]!;
        if (Number.isNaN(a) !== Number.isNaN(b) || (!Number.isFinite(a) && a !== b)) unstable[i] = 1;
        else if (Number.isFinite(a)) spread[i] = Math.max(spread[i]!, Math.abs(a - b));
      }
    });
  }
  return result;
}
