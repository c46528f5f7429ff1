// Loops of the cpu backend for ops with one scalar operand: the scalar held in a local instead of
// broadcast into a buffer, which saves a load per element (a third of a multiply's time in V8).
//
// `ts` is op(tensor, scalar) and `st` is op(scalar, tensor): either way the tensor is `a` and the
// scalar `s`. `tts` is interp(a, b, t) with a scalar t. Each computes exactly what the tensor form
// of cpu-loops.ts computes (and so what semantics.ts states); add and mul are exactly commutative
// in IEEE arithmetic, so their `st` is their `ts`. Ops not listed run on broadcast buffers.
import type { MapOpName } from '../dsl/index.js';
import type { ElementLoop } from './cpu-loops.js';

const f = Math.fround;

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
  max: {
    ts: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      for (let i = 0; i < len; i++) {
        const x = a[ao + i]!;
        out[oo + i] = x !== x || s !== s ? NaN : x > s ? x : s;
      }
    },
    st: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      for (let i = 0; i < len; i++) {
        const y = a[ao + i]!;
        out[oo + i] = s !== s || y !== y ? NaN : s > y ? s : y;
      }
    },
  },
  min: {
    ts: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      for (let i = 0; i < len; i++) {
        const x = a[ao + i]!;
        out[oo + i] = x !== x || s !== s ? NaN : x < s ? x : s;
      }
    },
    st: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      for (let i = 0; i < len; i++) {
        const y = a[ao + i]!;
        out[oo + i] = s !== s || y !== y ? NaN : s < y ? s : y;
      }
    },
  },
  clip: {
    ts: (len, out, oo, a, ao, _b, _bo, _c, _co, s) => {
      const bound = Math.abs(s);
      const low = -bound;
      for (let i = 0; i < len; i++) {
        const x = a[ao + i]!;
        const m = x !== x || low !== low ? NaN : x > low ? x : low;
        out[oo + i] = m !== m || bound !== bound ? NaN : m < bound ? m : bound;
      }
    },
  },
  interp: {
    tts: (len, out, oo, a, ao, b, bo, _c, _co, t) => {
      const u = f(1 - t);
      for (let i = 0; i < len; i++) out[oo + i] = f(u * a[ao + i]!) + f(t * b[bo + i]!);
    },
  },
} as const satisfies Partial<Record<MapOpName, ScalarForms>>;
