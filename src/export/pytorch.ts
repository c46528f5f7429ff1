// PyTorch target: a `torch.optim.Optimizer` subclass whose step runs the program on each parameter
// tensor in float32 (scalars are 0-d float32 tensors), with the program itself as `NAME_update`.
import { ADDITIVE, MULTIPLICATIVE, atom, call, infix, negate, type OpEntry, type OpTable } from './code.js';
import { hyperparameterRows } from './doc.js';
import type { Lowered } from './lower.js';
import { snakeName } from './names.js';
import { pyCall, pyFloat, pythonDocstring, pythonUpdate, type PythonTarget } from './python.js';

const define = (name: string, params: string, doc: string, body: string): OpEntry => ({
  emit: call(name),
  define: `def ${name}(${params}):\n    """${doc}"""\n    ${body.includes('\n') ? body : `return ${body}`}`,
});
/** A function of float64 values, rounded once to float32. */
const wide = (name: string, fn: (x: string) => string, doc: string): OpEntry => define(name, 'x', doc, `${fn('x.double()')}.float()`);
const wideCall = (name: string, fn: string, doc: string): OpEntry => wide(name, (x) => `${fn}(${x})`, doc);
const macroCall = (name: string): OpEntry => ({ emit: call(name), macro: true });

export const PYTORCH_OPS = {
  pi: { emit: () => atom('f32(math.pi)') },
  e: { emit: () => atom('f32(math.e)') },
  eps: { emit: () => atom('f32(1e-8)') },
  add: { emit: infix('+', ADDITIVE) },
  sub: { emit: infix('-', ADDITIVE) },
  mul: { emit: infix('*', MULTIPLICATIVE) },
  div: define('div', 'x, y', 'x / y, and 0 where y is 0.', 'q = x / y\n    return torch.where((y == 0).to(q.device), torch.zeros_like(q), q)'),
  power: define(
    'power',
    'x, y',
    '|x| ** y in float64, rounded once; 1 ** inf and 1 ** nan are nan.',
    'b, e = torch.abs(x).double(), y.double()\n    r = torch.pow(b, e)\n    return torch.where(((b == 1) & ~torch.isfinite(e)).to(r.device), torch.full_like(r, math.nan), r).float()',
  ),
  negative: { emit: negate },
  max: { emit: call('torch.maximum') },
  min: { emit: call('torch.minimum') },
  interp: define('interp', 'a, b, t', '(1 - t) * a + t * b, rounded after each operation.', '(f32(1) - t) * a + t * b'),
  clip: define('clip', 'x, c', 'x limited to [-|c|, |c|].', 'torch.minimum(torch.maximum(x, -torch.abs(c)), torch.abs(c))'),
  abs: { emit: call('torch.abs') },
  sign: define('sign', 'x', '-1, 0 or 1; nan for nan.', 'torch.where(torch.isnan(x), x, torch.sign(x))'),
  square: define('square', 'x', 'x * x', 'x * x'),
  cube: define('cube', 'x', '(x * x) * x', 'x * x * x'),
  sqrt: wide('sqrt', (x) => `torch.sqrt(torch.abs(${x}))`, 'sqrt(|x|)'),
  cbrt: define('cbrt', 'x', 'cube root', 'd = x.double()\n    return (torch.sign(d) * torch.abs(d) ** (1 / 3)).float()'),
  reciprocal: { ...define('reciprocal', 'x', '1 / x, and 0 where x is 0.', 'div(f32(1), x)'), uses: ['div'] },
  exp: wideCall('exp', 'torch.exp', 'e ** x'),
  exp2: wideCall('exp2', 'torch.exp2', '2 ** x'),
  exp10: wide('exp10', (x) => `torch.pow(10.0, ${x})`, '10 ** x'),
  expm1: wideCall('expm1', 'torch.expm1', 'e ** x - 1'),
  log: wide('log', (x) => `torch.log(torch.abs(${x}))`, 'log |x|'),
  log2: wide('log2', (x) => `torch.log2(torch.abs(${x}))`, 'log2 |x|'),
  log10: wide('log10', (x) => `torch.log10(torch.abs(${x}))`, 'log10 |x|'),
  log1p: define('log1p', 'x', 'log |1 + x|', 'd = x.double()\n    return torch.where(d >= -1, torch.log1p(d), torch.log(-1 - d)).float()'),
  sin: wideCall('sin', 'torch.sin', 'sine'),
  cos: wideCall('cos', 'torch.cos', 'cosine'),
  tan: wideCall('tan', 'torch.tan', 'tangent'),
  arcsin: wideCall('arcsin', 'torch.asin', 'inverse sine; nan outside [-1, 1]'),
  arccos: wideCall('arccos', 'torch.acos', 'inverse cosine; nan outside [-1, 1]'),
  arctan: wideCall('arctan', 'torch.atan', 'inverse tangent'),
  sinh: wideCall('sinh', 'torch.sinh', 'hyperbolic sine'),
  cosh: wideCall('cosh', 'torch.cosh', 'hyperbolic cosine'),
  tanh: wideCall('tanh', 'torch.tanh', 'hyperbolic tangent'),
  arcsinh: wideCall('arcsinh', 'torch.asinh', 'inverse hyperbolic sine'),
  arccosh: wideCall('arccosh', 'torch.acosh', 'inverse hyperbolic cosine; nan below 1'),
  arctanh: wideCall('arctanh', 'torch.atanh', 'inverse hyperbolic tangent; nan outside [-1, 1]'),
  norm: define('norm', 'x', 'sqrt(sum(x * x)) over the tensor, accumulated in float64.', 'torch.sqrt(torch.sum(x.double() ** 2)).float()'),
  mean: define('mean', 'x', 'Mean over the tensor, accumulated in float64.', 'torch.mean(x.double()).float()'),
  dot: define('dot', 'x, y', 'sum(x * y) over the tensor, accumulated in float64.', 'torch.sum(x.double() * y.double()).float()'),
  rms: macroCall('rms'),
  cosine_sim: macroCall('cosine_sim'),
  clip_by_norm: macroCall('clip_by_norm'),
} satisfies OpTable;

const TARGET: PythonTarget = { ops: PYTORCH_OPS, support: {} };

export function exportPytorch(l: Lowered, name: string): string {
  const fn = snakeName(name);
  const update = pythonUpdate(l, TARGET, `${fn}_update`, [name, 'like']);
  return [
    pythonDocstring(`${name}: an optimizer found with symevo, as a PyTorch optimizer.`, l, true, [
      'Scalars are 0-d float32 tensors on the CPU, which PyTorch combines with tensors on any device.',
      'The exported code matches the interpreter exactly on CPU (tested there; not tested on a GPU,',
      'where PyTorch may round some operations, such as division by a scalar, differently in the last bit).',
      `Use: optimizer = ${name}(model.parameters()); then loss.backward(); optimizer.step() as usual.`,
    ]),
    'import math',
    '',
    'import torch',
    '',
    '',
    'def f32(x):',
    '    """x as a float32 scalar tensor."""',
    '    return torch.as_tensor(x, dtype=torch.float32)',
    '',
    '',
    'def like(x, w):',
    '    """x (tensor or scalar) as a new float32 tensor shaped like w, on its device."""',
    '    return x.to(w.device).expand_as(w).clone()',
    '',
    '',
    ...update.helpers.flatMap((h) => [h, '', '']),
    update.text,
    '',
    '',
    ...optimizerClass(l, name, `${fn}_update`),
    '',
  ].join('\n');
}

/** The optimizer class: hyperparameters per parameter group, float32 state per parameter. */
function optimizerClass(l: Lowered, name: string, update: string): string[] {
  const hyper = [{ name: 'lr', value: l.plan.lr.value }, ...l.plan.list];
  const args = [
    'w',
    'g',
    ...l.slots.map((s) => `state[${JSON.stringify(s)}]`),
    'f32(group["lr"])',
    ...(l.usesStep ? ['f32(state["step"])'] : []),
    ...l.plan.list.map((h) => `f32(group[${JSON.stringify(h.name)}])`),
  ];
  const outputs = ['update', ...l.slots.map((s) => `new_${s}`)].join(', ');
  const rows = hyperparameterRows(l, (n) => n);
  return [
    `class ${name}(torch.optim.Optimizer):`,
    '    """The program as an optimizer: see the module docstring for its text and semantics.',
    '',
    '    Hyperparameters (each a float, per parameter group):',
    ...rows.map((r) => `        ${r}`),
    '    """',
    '',
    pyCall('    ', 'def __init__', ['self', 'params', ...hyper.map((h) => `${h.name}=${pyFloat(h.value)}`)], ':'),
    pyCall('        ', 'super().__init__', ['params', `dict(${hyper.map((h) => `${h.name}=${h.name}`).join(', ')})`]),
    '',
    '    @torch.no_grad()',
    '    def step(self, closure=None):',
    '        loss = None',
    '        if closure is not None:',
    '            with torch.enable_grad():',
    '                loss = closure()',
    '        for group in self.param_groups:',
    '            for p in group["params"]:',
    '                if p.grad is None:',
    '                    continue',
    '                state = self.state[p]',
    '                if not state:',
    '                    state["step"] = 0',
    ...l.slots.map((s) => `                    state[${JSON.stringify(s)}] = torch.zeros_like(p, dtype=torch.float32)`),
    '                state["step"] += 1',
    '                w, g = p.detach().float(), p.grad.detach().float()',
    pyCall('                ', `${outputs} = ${update}`, args),
    ...l.slots.map((s) => `                state[${JSON.stringify(s)}] = like(new_${s}, w)`),
    '                p.copy_(w - like(update, w))',
    '        return loss',
  ];
}
