// NumPy target: a module with `NAME_init(w)` and `NAME_step(w, g, state, **hyperparameters)` over
// float32 arrays, and the program itself as `NAME_update`.
import { ADDITIVE, MULTIPLICATIVE, atom, call, infix, negate, type OpEntry, type OpTable } from './code.js';
import type { Lowered } from './lower.js';
import { pyCall, pyFloat, pythonDocstring, pythonUpdate, type PythonTarget } from './python.js';
import { snakeName } from './names.js';

const define = (name: string, params: string, doc: string, body: string, needs: string[] = []): OpEntry => ({
  emit: call(name),
  define: `def ${name}(${params}):\n    """${doc}"""\n    return ${body}`,
  needs,
});
/** A function of float64 values, rounded once to float32. */
const wide = (name: string, fn: (x: string) => string, doc: string): OpEntry => define(name, 'x', doc, `f32(${fn('np.float64(x)')})`);
const wideCall = (name: string, fn: string, doc: string): OpEntry => wide(name, (x) => `${fn}(${x})`, doc);
const macro: OpEntry = { emit: () => atom(''), macro: true };
const macroCall = (name: string): OpEntry => ({ ...macro, emit: call(name) });

export const NUMPY_OPS = {
  pi: { emit: () => atom('f32(np.pi)') },
  e: { emit: () => atom('f32(np.e)') },
  eps: { emit: () => atom('f32(1e-8)') },
  add: { emit: infix('+', ADDITIVE) },
  sub: { emit: infix('-', ADDITIVE) },
  mul: { emit: infix('*', MULTIPLICATIVE) },
  div: define('div', 'x, y', 'x / y, and 0 where y is 0.', 'np.where(y == 0, f32(0), x / y)'),
  power: define(
    'power',
    'x, y',
    '|x| ** y in float64, rounded once; 1 ** inf and 1 ** nan are nan.',
    'f32(np.where((np.abs(x) == 1) & ~np.isfinite(y), np.nan, np.float64(np.abs(x)) ** np.float64(y)))',
  ),
  negative: { emit: negate },
  max: { emit: call('np.maximum') },
  min: { emit: call('np.minimum') },
  interp: define('interp', 'a, b, t', '(1 - t) * a + t * b, rounded after each operation.', '(f32(1) - t) * a + t * b'),
  clip: define('clip', 'x, c', 'x limited to [-|c|, |c|].', 'np.minimum(np.maximum(x, -np.abs(c)), np.abs(c))'),
  abs: { emit: call('np.abs') },
  sign: { emit: call('np.sign') },
  square: define('square', 'x', 'x * x', 'x * x'),
  cube: define('cube', 'x', '(x * x) * x', 'x * x * x'),
  sqrt: wide('sqrt', (x) => `np.sqrt(np.abs(${x}))`, 'sqrt(|x|)'),
  cbrt: wideCall('cbrt', 'np.cbrt', 'cube root'),
  reciprocal: { ...define('reciprocal', 'x', '1 / x, and 0 where x is 0.', 'div(f32(1), x)'), uses: ['div'] },
  exp: wideCall('exp', 'np.exp', 'e ** x'),
  exp2: wideCall('exp2', 'np.exp2', '2 ** x'),
  exp10: wide('exp10', (x) => `10.0 ** ${x}`, '10 ** x'),
  expm1: wideCall('expm1', 'np.expm1', 'e ** x - 1'),
  log: wide('log', (x) => `np.log(np.abs(${x}))`, 'log |x|'),
  log2: wide('log2', (x) => `np.log2(np.abs(${x}))`, 'log2 |x|'),
  log10: wide('log10', (x) => `np.log10(np.abs(${x}))`, 'log10 |x|'),
  log1p: define('log1p', 'x', 'log |1 + x|', 'f32(np.where(x >= -1, np.log1p(np.float64(x)), np.log(-1 - np.float64(x))))'),
  sin: wideCall('sin', 'np.sin', 'sine'),
  cos: wideCall('cos', 'np.cos', 'cosine'),
  tan: wideCall('tan', 'np.tan', 'tangent'),
  arcsin: wideCall('arcsin', 'np.arcsin', 'inverse sine; nan outside [-1, 1]'),
  arccos: wideCall('arccos', 'np.arccos', 'inverse cosine; nan outside [-1, 1]'),
  arctan: wideCall('arctan', 'np.arctan', 'inverse tangent'),
  sinh: wideCall('sinh', 'np.sinh', 'hyperbolic sine'),
  cosh: wideCall('cosh', 'np.cosh', 'hyperbolic cosine'),
  tanh: wideCall('tanh', 'np.tanh', 'hyperbolic tangent'),
  arcsinh: wideCall('arcsinh', 'np.arcsinh', 'inverse hyperbolic sine'),
  arccosh: wideCall('arccosh', 'np.arccosh', 'inverse hyperbolic cosine; nan below 1'),
  arctanh: wideCall('arctanh', 'np.arctanh', 'inverse hyperbolic tangent; nan outside [-1, 1]'),
  norm: define('norm', 'x', 'sqrt(sum(x * x)) over the tensor, accumulated in float64.', 'f32(np.sqrt(np.sum(np.square(np.float64(x)))))'),
  mean: define('mean', 'x', 'Mean over the tensor, accumulated in float64.', 'f32(np.mean(np.float64(x)))'),
  dot: define('dot', 'x, y', 'sum(x * y) over the tensor, accumulated in float64.', 'f32(np.sum(np.float64(x) * np.float64(y)))'),
  rms: macroCall('rms'),
  cosine_sim: macroCall('cosine_sim'),
  clip_by_norm: macroCall('clip_by_norm'),
} satisfies OpTable;

const TARGET: PythonTarget = { ops: NUMPY_OPS, support: {} };

export function exportNumpy(l: Lowered, name: string): string {
  const fn = snakeName(name);
  const update = pythonUpdate(l, TARGET, `${fn}_update`, [`${fn}_init`, `${fn}_step`, 'like']);
  const hyper = l.plan.list;
  const stepArgs = [
    'w',
    'g',
    ...l.slots.map((s) => `state[${JSON.stringify(s)}]`),
    'f32(lr)',
    ...(l.usesStep ? ['f32(step)'] : []),
    ...hyper.map((h) => `f32(${h.name})`),
  ];
  const defaults = [`lr=${pyFloat(l.plan.lr.value)}`, ...hyper.map((h) => `${h.name}=${pyFloat(h.value)}`)];
  const slots = l.slots.map((s) => `${JSON.stringify(s)}: like(new_${s}, w)`);
  const outputs = ['update', ...l.slots.map((s) => `new_${s}`)].join(', ');
  return [
    pythonDocstring(`${name}: an optimizer found with symevo, as a NumPy step function.`, l, true, [
      `Use: state = ${fn}_init(w); then each step w, state = ${fn}_step(w, g, state).`,
    ]),
    'import numpy as np',
    '',
    'f32 = np.float32',
    '',
    '',
    ...update.helpers.flatMap((h) => [h, '', '']),
    'def like(x, w):',
    '    """x (array or scalar) as a new float32 array shaped like w."""',
    '    return np.broadcast_to(x, np.shape(w)).astype(np.float32)',
    '',
    '',
    update.text,
    '',
    '',
    `def ${fn}_init(w):`,
    '    """Zero state for one parameter array."""',
    `    return {"step": 0${l.slots.map((s) => `, ${JSON.stringify(s)}: np.zeros(np.shape(w), np.float32)`).join('')}}`,
    '',
    '',
    pyCall('', `def ${fn}_step`, ['w', 'g', 'state', ...defaults], ':'),
    '    """One step for one parameter array: returns (new w, new state); the inputs are left unchanged."""',
    '    w = np.asarray(w, np.float32)',
    '    g = np.asarray(g, np.float32)',
    '    step = state["step"] + 1',
    '    with np.errstate(all="ignore"):',
    pyCall('        ', `${outputs} = ${fn}_update`, stepArgs),
    `        return w - like(update, w), {"step": step${slots.map((s) => `, ${s}`).join('')}}`,
    '',
  ].join('\n');
}
