// Loops of the cpu backend for ops with one scalar operand: the scalar held in a local instead of
// broadcast into a buffer, which saves a load per element (a third of a multiply's time in V8).
//
// `ts` is op(tensor, scalar) and `st` is op(scalar, tensor): either way the tensor is `a` and the
// scalar `s`. `tts` is interp(a, b, t) with a scalar t. Each computes exactly what the tensor form
// of cpu-loops.ts computes (and so what semantics.ts states); add and mul are exactly commutative
// in IEEE arithmetic, so their `st` is their `ts`. Ops not listed run on broadcast buffers.
import type { MapOpName } from '../dsl/index.js';
import { clip, type ElementLoop } from './cpu-loops.js';

const f = Math.fround;
const pair = new Float64Array(2);

export interface ScalarForms {
  readonly ts?: ElementLoop;
  readonly st?: ElementLoop;
  readonly tts?: ElementLoop;
}

const addTs: ElementLoop = (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
  for (let i = 0; i < len; i++) out[oo + i] = a[ao + i]! + s;
};

const mulTs: ElementLoop = (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
  for (let i = 0; i < len; i++) out[oo + i] = a[ao + i]! * s;
};

export const SCALAR_LOOPS = {
  add: { ts: addTs, st: addTs },
  mul: { ts: mulTs, st: mulTs },
  sub: {
    ts: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      for (let i = 0; i < len; i++) out[oo + i] = a[ao + i]! - s;
    },
    st: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      for (let i = 0; i < len; i++) out[oo + i] = s - a[ao + i]!;
    },
  },
  div: {
    ts: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      if (s === 0) out.fill(0, oo, oo + len);
      else for (let i = 0; i < len; i++) out[oo + i] = a[ao + i]! / s;
    },
    st: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      for (let i = 0; i < len; i++) {
        const y = a[ao + i]!;
        out[oo + i] = y === 0 ? 0 : s / y;
      }
    },
  },
  power: {
    ts: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      for (let i = 0; i < len; i++) out[oo + i] = Math.pow(Math.abs(a[ao + i]!), s);
    },
    st: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      const base = Math.abs(s);
      for (let i = 0; i < len; i++) out[oo + i] = Math.pow(base, a[ao + i]!);
    },
  },
  // max and min choose through a pair indexed by the comparison, as in cpu-loops.ts.
  max: {
    ts: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      if (s !== s) return void out.fill(NaN, oo, oo + len);
      pair[0] = s;
      for (let i = 0; i < len; i++) {
        const x = a[ao + i]!;
        pair[1] = x;
        out[oo + i] = x !== x ? NaN : pair[+(x > s)]!; // x > s ? x : s
      }
    },
    st: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      if (s !== s) return void out.fill(NaN, oo, oo + len);
      pair[1] = s;
      for (let i = 0; i < len; i++) {
        const y = a[ao + i]!;
        pair[0] = y;
        out[oo + i] = y !== y ? NaN : pair[+(s > y)]!; // s > y ? s : y
      }
    },
  },
  min: {
    ts: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      if (s !== s) return void out.fill(NaN, oo, oo + len);
      pair[0] = s;
      for (let i = 0; i < len; i++) {
        const x = a[ao + i]!;
        pair[1] = x;
        out[oo + i] = x !== x ? NaN : pair[+(x < s)]!; // x < s ? x : s
      }
    },
    st: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      if (s !== s) return void out.fill(NaN, oo, oo + len);
      pair[1] = s;
      for (let i = 0; i < len; i++) {
        const y = a[ao + i]!;
        pair[0] = y;
        out[oo + i] = y !== y ? NaN : pair[+(s < y)]!; // s < y ? s : y
      }
    },
  },
  clip: {
    ts: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      const bound = Math.abs(s);
      for (let i = 0; i < len; i++) out[oo + i] = clip(a[ao + i]!, bound);
    },
  },
  interp: {
    tts: (len, out, oo, a, ao, b, bo, _c, _co, t) => {
      const u = f(1 - t);
      for (let i = 0; i < len; i++) out[oo + i] = f(u * a[ao + i]!) + f(t * b[bo + i]!);
    },
  },
} as const satisfies Partial<Record<MapOpName, ScalarForms>>;
