// optax target: a function returning an `optax.GradientTransformation` (init / update over pytrees),
// with the program itself as `NAME_update` over jax.numpy float32 arrays.
import { OPS } from '../dsl/index.js';
import { ADDITIVE, MULTIPLICATIVE, atom, call, infix, negate, type OpEntry, type OpTable } from './code.js';
import { hyperparameterRows } from './doc.js';
import type { Lowered } from './lower.js';
import { PYTHON_RESERVED, assignIdentifiers, snakeName } from './names.js';
import { pyCall, pyFloat, pythonDocstring, pythonUpdate, type PythonTarget } from './python.js';

const define = (name: string, params: string, doc: string, body: string): OpEntry => ({
  emit: call(name),
  define: `def ${name}(${params}):\n    """${doc}"""\n    return ${body}`,
});
const ofAbs = (name: string, fn: string): OpEntry => define(name, 'x', `${name} |x|`, `${fn}(jnp.abs(x))`);
const macroCall = (name: string): OpEntry => ({ emit: call(name), macro: true });

export const OPTAX_OPS = {
  pi: { emit: () => atom('f32(jnp.pi)') },
  e: { emit: () => atom('f32(jnp.e)') },
  eps: { emit: () => atom('f32(1e-8)') },
  add: { emit: infix('+', ADDITIVE) },
  sub: { emit: infix('-', ADDITIVE) },
  mul: { emit: infix('*', MULTIPLICATIVE) },
  div: define('div', 'x, y', 'x / y, and 0 where y is 0.', 'jnp.where(y == 0, f32(0), x / y)'),
  power: define('power', 'x, y', '|x| ** y; 1 ** inf and 1 ** nan are nan.', 'jnp.where((jnp.abs(x) == 1) & ~jnp.isfinite(y), f32(jnp.nan), jnp.abs(x) ** y)'),
  negative: { emit: negate },
  max: { emit: call('jnp.maximum') },
  min: { emit: call('jnp.minimum') },
  interp: define('interp', 'a, b, t', '(1 - t) * a + t * b, rounded after each operation.', '(f32(1) - t) * a + t * b'),
  clip: define('clip', 'x, c', 'x limited to [-|c|, |c|].', 'jnp.minimum(jnp.maximum(x, -jnp.abs(c)), jnp.abs(c))'),
  abs: { emit: call('jnp.abs') },
  sign: { emit: call('jnp.sign') },
  square: define('square', 'x', 'x * x', 'x * x'),
  cube: define('cube', 'x', '(x * x) * x', 'x * x * x'),
  sqrt: ofAbs('sqrt', 'jnp.sqrt'),
  cbrt: { emit: call('jnp.cbrt') },
  reciprocal: { ...define('reciprocal', 'x', '1 / x, and 0 where x is 0.', 'div(f32(1), x)'), uses: ['div'] },
  exp: { emit: call('jnp.exp') },
  exp2: { emit: call('jnp.exp2') },
  exp10: define('exp10', 'x', '10 ** x', 'f32(10) ** x'),
  expm1: { emit: call('jnp.expm1') },
  log: ofAbs('log', 'jnp.log'),
  log2: ofAbs('log2', 'jnp.log2'),
  log10: ofAbs('log10', 'jnp.log10'),
  log1p: define('log1p', 'x', 'log |1 + x|', 'jnp.where(x >= -1, jnp.log1p(x), jnp.log(-1 - x))'),
  sin: { emit: call('jnp.sin') },
  cos: { emit: call('jnp.cos') },
  tan: { emit: call('jnp.tan') },
  arcsin: { emit: call('jnp.arcsin') },
  arccos: { emit: call('jnp.arccos') },
  arctan: { emit: call('jnp.arctan') },
  sinh: { emit: call('jnp.sinh') },
  cosh: { emit: call('jnp.cosh') },
  tanh: { emit: call('jnp.tanh') },
  arcsinh: { emit: call('jnp.arcsinh') },
  arccosh: { emit: call('jnp.arccosh') },
  arctanh: { emit: call('jnp.arctanh') },
  norm: define('norm', 'x', 'sqrt(sum(x * x)) over the tensor.', 'jnp.sqrt(jnp.sum(x * x))'),
  mean: { emit: call('jnp.mean') },
  dot: define('dot', 'x, y', 'sum(x * y) over the tensor.', 'jnp.sum(x * y)'),
  rms: macroCall('rms'),
  cosine_sim: macroCall('cosine_sim'),
  clip_by_norm: macroCall('clip_by_norm'),
} satisfies OpTable;

const TARGET: PythonTarget = { ops: OPTAX_OPS, support: {} };

export function exportOptax(l: Lowered, name: string): string {
  const snake = snakeName(name);
  const factory = PYTHON_RESERVED.has(snake) || Object.hasOwn(OPS, snake) ? `${snake}_optimizer` : snake;
  const State = `${name}State`;
  // NamedTuple fields: none may start with '_', and `count` (and tuple's `index`) are taken.
  const fieldOf = assignIdentifiers(l.slots.map((s) => (s.startsWith('_') ? `slot${s}` : s)), new Set(['count', 'index']));
  const field = (slot: string) => fieldOf.get(slot.startsWith('_') ? `slot${slot}` : slot)!;
  const update = pythonUpdate(l, TARGET, `${snake}_update`, [factory, State]);
  const hyper = l.plan.list;
  const defaults = [`learning_rate=${pyFloat(l.plan.lr.value)}`, ...hyper.map((h) => `${h.name}=${pyFloat(h.value)}`)];
  const args = [
    'w.astype(f32)',
    'g.astype(f32)',
    ...(l.slots.length > 0 ? ['*slots'] : []),
    'f32(lr)',
    ...(l.usesStep ? ['f32(count)'] : []),
    ...hyper.map((h) => `f32(${h.name})`),
  ];
  const rows = hyperparameterRows(l, (n) => (n === 'lr' ? 'learning_rate' : n));
  return [
    pythonDocstring(`${name}: an optimizer found with symevo, as an optax GradientTransformation.`, l, false, [
      'UNTESTED WITH JAX: JAX cannot be installed where symevo is tested, so its tests only compile',
      'this file and run it under a NumPy stand-in for jax and optax (names and pytree plumbing, not',
      'JAX itself). The NumPy and PyTorch exports are the ones tested against the interpreter.',
      'JAX computes in float32 (reductions too), so results may differ from the interpreter in the last bit.',
      `Use: optimizer = ${factory}(); state = optimizer.init(params);`,
      '     updates, state = optimizer.update(grads, state, params); params = optax.apply_updates(params, updates)',
    ]),
    'from typing import Any, NamedTuple',
    '',
    'import jax',
    'import jax.numpy as jnp',
    'import optax',
    '',
    'f32 = jnp.float32',
    '',
    '',
    `class ${State}(NamedTuple):`,
    '    count: Any  # steps taken so far, an int32 scalar',
    ...l.slots.map((s) => `    ${field(s)}: Any  # a float32 array per parameter, in the parameters' tree`),
    '',
    '',
    ...update.helpers.flatMap((h) => [h, '', '']),
    update.text,
    '',
    '',
    pyCall('', `def ${factory}`, defaults, ':'),
    '    """The program as an optax GradientTransformation; learning_rate may be a float or a schedule.',
    '',
    ...rows.map((r) => `        ${r}`),
    '    """',
    '',
    '    def init_fn(params):',
    '        zeros = lambda p: jnp.zeros(jnp.shape(p), f32)',
    `        return ${State}(count=jnp.zeros([], jnp.int32)${l.slots.map((s) => `, ${field(s)}=jax.tree_util.tree_map(zeros, params)`).join('')})`,
    '',
    '    def update_fn(updates, state, params=None):',
    '        if params is None:',
    `            raise ValueError("${factory} needs the parameters: update(grads, state, params)")`,
    '        lr = learning_rate(state.count) if callable(learning_rate) else learning_rate',
    '        count = state.count + 1',
    '        grads, tree = jax.tree_util.tree_flatten(updates)',
    `        columns = [grads, tree.flatten_up_to(params)${l.slots.map((s) => `, tree.flatten_up_to(state.${field(s)})`).join('')}]`,
    '        out = []',
    '        for g, w, *slots in zip(*columns):',
    l.slots.length > 0 ? pyCall('            ', `outputs = ${snake}_update`, args) : pyCall('            ', `outputs = (${snake}_update`, args, ',)'),
    '            out.append([jnp.broadcast_to(x, jnp.shape(w)).astype(f32) for x in outputs])',
    '        new_updates = tree.unflatten([(-o[0]).astype(w.dtype) for o, w in zip(out, columns[1])])',
    `        return new_updates, ${State}(count=count${l.slots.map((s, k) => `, ${field(s)}=tree.unflatten([o[${k + 1}] for o in out])`).join('')})`,
    '',
    '    return optax.GradientTransformation(init_fn, update_fn)',
    '',
  ].join('\n');
}
