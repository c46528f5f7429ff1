// TypeScript target: `nameInit(size)` and `nameStep(w, g, state, hyperparameters)` over Float32Array,
// and the program itself as `nameUpdate`. Each statement is one loop over the elements, so the op
// table writes one element's float32 value (Math.fround after every operation, as the reference).
import { OPS, assertNever, printNumber, type OpName, type ValueType } from '../dsl/index.js';
import { atom, call, negate, type Code, type OpEntry, type OpTable } from './code.js';
import { hyperparameterRows, programLines, semanticsLines } from './doc.js';
import { expandMacros, hoistReductions, type LExpr, type Lowered } from './lower.js';
import { TYPESCRIPT_RESERVED, assignIdentifiers, camelName, snakeName } from './names.js';

const rounded = (symbol: string) => ([x, y]: readonly Code[]): Code => atom(`f(${x!.text} ${symbol} ${y!.text})`);
const math = (fn: string) => ([x]: readonly Code[]): Code => atom(`f(Math.${fn}(${x!.text}))`);
const ofAbs = (fn: string) => ([x]: readonly Code[]): Code => atom(`f(Math.${fn}(Math.abs(${x!.text})))`);
const helper = (name: string, define: string): OpEntry => ({ emit: call(name), define });
const expanded: OpEntry = { emit: () => atom(''), macro: true };

export const TYPESCRIPT_OPS = {
  pi: { emit: () => atom('f(Math.PI)') },
  e: { emit: () => atom('f(Math.E)') },
  eps: { emit: () => atom('f(1e-8)') },
  add: { emit: rounded('+') },
  sub: { emit: rounded('-') },
  mul: { emit: rounded('*') },
  div: helper('div', `/** x / y, and 0 where y is 0. */\nfunction div(x: number, y: number): number {\n  return y === 0 ? 0 : f(x / y);\n}`),
  power: helper('power', `/** |x| ** y. */\nfunction power(x: number, y: number): number {\n  return f(Math.pow(Math.abs(x), y));\n}`),
  negative: { emit: negate },
  max: helper('max', `/** The larger of x, y; NaN if either is. */\nfunction max(x: number, y: number): number {\n  return Number.isNaN(x) || Number.isNaN(y) ? NaN : x > y ? x : y;\n}`),
  min: helper('min', `/** The smaller of x, y; NaN if either is. */\nfunction min(x: number, y: number): number {\n  return Number.isNaN(x) || Number.isNaN(y) ? NaN : x < y ? x : y;\n}`),
  interp: helper('interp', `/** (1 - t) * a + t * b, rounded after each operation. */\nfunction interp(a: number, b: number, t: number): number {\n  return f(f(f(1 - t) * a) + f(t * b));\n}`),
  clip: helper('clip', `/** x limited to [-|c|, |c|]; NaN if either is. */\nfunction clip(x: number, c: number): number {\n  const bound = Math.abs(c);\n  return Number.isNaN(x) || Number.isNaN(c) ? NaN : Math.min(Math.max(x, -bound), bound);\n}`),
  abs: { emit: ([x]) => atom(`Math.abs(${x!.text})`) },
  sign: helper('sign', `/** -1, 0 or 1; NaN for NaN. */\nfunction sign(x: number): number {\n  return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN;\n}`),
  square: helper('square', `function square(x: number): number {\n  return f(x * x);\n}`),
  cube: helper('cube', `function cube(x: number): number {\n  return f(f(x * x) * x);\n}`),
  sqrt: { emit: ofAbs('sqrt') },
  cbrt: { emit: math('cbrt') },
  reciprocal: helper('reciprocal', `/** 1 / x, and 0 where x is 0. */\nfunction reciprocal(x: number): number {\n  return x === 0 ? 0 : f(1 / x);\n}`),
  exp: { emit: math('exp') },
  exp2: { emit: ([x]) => atom(`f(Math.pow(2, ${x!.text}))`) },
  exp10: { emit: ([x]) => atom(`f(Math.pow(10, ${x!.text}))`) },
  expm1: { emit: math('expm1') },
  log: { emit: ofAbs('log') },
  log2: { emit: ofAbs('log2') },
  log10: { emit: ofAbs('log10') },
  log1p: helper('log1p', `/** log |1 + x| */\nfunction log1p(x: number): number {\n  return f(x >= -1 ? Math.log1p(x) : Math.log(-1 - x));\n}`),
  sin: { emit: math('sin') },
  cos: { emit: math('cos') },
  tan: { emit: math('tan') },
  arcsin: { emit: math('asin') },
  arccos: { emit: math('acos') },
  arctan: { emit: math('atan') },
  sinh: { emit: math('sinh') },
  cosh: { emit: math('cosh') },
  tanh: { emit: math('tanh') },
  arcsinh: { emit: math('asinh') },
  arccosh: { emit: math('acosh') },
  arctanh: { emit: math('atanh') },
  norm: helper('norm', reduction('norm', 'sqrt(sum(x * x))', 'x: Float32Array', 'x[i]! * x[i]!', 'Math.sqrt(sum)')),
  mean: helper('mean', reduction('mean', 'mean of the elements', 'x: Float32Array', 'x[i]!', 'sum / x.length')),
  dot: helper('dot', reduction('dot', 'sum(x * y)', 'x: Float32Array, y: Float32Array', 'x[i]! * y[i]!', 'sum')),
  rms: expanded,
  cosine_sim: expanded,
  clip_by_norm: expanded,
} satisfies OpTable;

function reduction(name: string, doc: string, params: string, term: string, result: string): string {
  return [
    `/** ${doc} over the tensor, accumulated in float64 and rounded once. */`,
    `function ${name}(${params}): number {`,
    '  let sum = 0;',
    `  for (let i = 0; i < x.length; i++) sum += ${term};`,
    `  return f(${result});`,
    '}',
  ].join('\n');
}

const SUPPORT = [
  'const f = Math.fround;',
  `/** A new tensor of n elements, element i being at(i). */\nfunction map(n: number, at: (i: number) => number): Float32Array {\n  const out = new Float32Array(n);\n  for (let i = 0; i < n; i++) out[i] = at(i);\n  return out;\n}`,
];

export function exportTypescript(l0: Lowered, name: string): string {
  const l = hoistReductions(expandMacros(l0));
  const lower = name[0]!.toLowerCase() + name.slice(1);
  const [Hp, State, defaults] = [`${name}Hyperparameters`, `${name}State`, `${snakeName(name).toUpperCase()}_DEFAULTS`];
  const hyper = [{ name: 'lr', value: l.plan.lr.value }, ...l.plan.list].map((h) => ({ key: camelName(h.name), value: h.value }));
  const update = typescriptUpdate(l, `${lower}Update`, [Hp, State, defaults, `${lower}Init`, `${lower}Step`, ...hyper.slice(1).map((h) => h.key)]);
  const slotType = l.slots.map((s) => `  readonly ${s}: Float32Array;`);
  const args = ['w', 'g', ...l.slots.map((s) => `state.${s}`), 'f(hp.lr)', ...(l.usesStep ? ['f(step)'] : []), ...hyper.slice(1).map((h) => `f(hp.${h.key})`)];
  return [
    ...headerComment(l, name, lower),
    '',
    `export interface ${Hp} {`,
    ...hyper.map((h) => `  readonly ${h.key}: number;`),
    '}',
    '',
    `export const ${defaults}: ${Hp} = { ${hyper.map((h) => `${h.key}: ${printNumber(h.value)}`).join(', ')} };`,
    '',
    `export interface ${State} {`,
    '  /** Steps taken so far. */',
    '  readonly step: number;',
    ...slotType,
    '}',
    '',
    `export function ${lower}Init(size: number): ${State} {`,
    `  return { step: 0${l.slots.map((s) => `, ${s}: new Float32Array(size)`).join('')} };`,
    '}',
    '',
    '/** One step for one parameter tensor: the new weight (w - update) and state; the inputs are left unchanged. */',
    `export function ${lower}Step(`,
    '  w: Float32Array,',
    '  g: Float32Array,',
    `  state: ${State},`,
    `  hyperparameters: Partial<${Hp}> = {},`,
    `): { w: Float32Array; state: ${State} } {`,
    `  const hp = { ...${defaults}, ...hyperparameters };`,
    '  const step = state.step + 1;',
    `  const out = ${lower}Update(${args.join(', ')});`,
    '  const update = out[0];',
    `  return { w: map(w.length, (i) => f(w[i]! - update[i]!)), state: { step${l.slots.map((s, k) => `, ${s}: out[${k + 1}]`).join('')} } };`,
    '}',
    '',
    update.text,
    '',
    ...[...SUPPORT, ...update.helpers].flatMap((h) => [h, '']),
  ].join('\n');
}

/** The file's opening comment: the program, its hyperparameters, the semantics, how to use it. */
function headerComment(l: Lowered, name: string, lower: string): string[] {
  return [
    `${name}: an optimizer found with symevo, as TypeScript over Float32Array.`,
    '',
    'Exported by `symevo export` from this program (the trainer applies w = w - update):',
    '',
    ...programLines(l).map((x) => `    ${x}`),
    '',
    "Hyperparameters (defaults are the program's constants):",
    '',
    ...hyperparameterRows(l, camelName).map((x) => `    ${x}`),
    '',
    ...semanticsLines(true),
    '',
    `Use: let state = ${lower}Init(w.length); then each step ({ w, state } = ${lower}Step(w, g, state)).`,
  ].map((x) => (x === '' ? '//' : `// ${x}`));
}

interface TypescriptUpdate {
  readonly text: string;
  readonly helpers: readonly string[];
}

const typeOfInput = (name: string): ValueType => (name === 'lr' || name === 'step' ? 'scalar' : 'tensor');

/**
 * Identifiers for the program's names: a name keeps its text for the type it first has, and one that
 * changes type gets a second identifier, `name_t` (tensor) or `name_s` (scalar).
 */
function typescriptIdentifiers(l: Lowered, taken: ReadonlySet<string>): (name: string, type: ValueType) => string {
  const firstType = new Map<string, ValueType>();
  const seen: { name: string; type: ValueType }[] = [];
  const note = (name: string, type: ValueType) => {
    if (!firstType.has(name)) firstType.set(name, type);
    if (!seen.some((s) => s.name === name && s.type === type)) seen.push({ name, type });
  };
  l.inputs.forEach((n) => note(n, typeOfInput(n)));
  l.body.forEach((s) => note(s.target, s.value.type));
  const wanted: string[] = [];
  for (const s of seen) {
    let text = firstType.get(s.name) === s.type ? s.name : `${s.name}_${s.type === 'tensor' ? 't' : 's'}`;
    while (wanted.includes(text) || (text !== s.name && firstType.has(text))) text += '_';
    wanted.push(text);
  }
  const ids = assignIdentifiers(wanted, taken);
  return (name, type) => ids.get(wanted[seen.findIndex((s) => s.name === name && s.type === type)]!)!;
}

/** The program as one function: each tensor statement a `map` over the elements, scalars plain. */
function typescriptUpdate(l: Lowered, fnName: string, reserved: readonly string[]): TypescriptUpdate {
  const helperNames = Object.values(TYPESCRIPT_OPS).flatMap((e) => /function (\w+)/.exec((e as OpEntry).define ?? '')?.[1] ?? []);
  const id = typescriptIdentifiers(l, new Set([...TYPESCRIPT_RESERVED, ...reserved, ...helperNames, 'map', fnName]));
  const key = (name: string, type: ValueType) => `${name}:${type}`;

  const used = new Set<OpName>();
  const element = (e: LExpr): Code => {
    switch (e.kind) {
      case 'const':
        return atom(`f(${printNumber(e.value)})`);
      case 'hyper':
        return atom(camelName(e.name));
      case 'var':
        return atom(e.type === 'tensor' ? `${id(e.name, e.type)}[i]!` : id(e.name, e.type));
      case 'op':
        used.add(e.op);
        return TYPESCRIPT_OPS[e.op].emit(e.args.map(element));
      default:
        return assertNever(e);
    }
  };
  const value = (e: LExpr): string => {
    if (e.kind === 'var') return e.type === 'tensor' ? `${id(e.name, e.type)}.slice()` : id(e.name, e.type);
    if (e.kind === 'op' && OPS[e.op].kind === 'reduce') {
      used.add(e.op);
      return TYPESCRIPT_OPS[e.op].emit(e.args.map((a) => atom(a.kind === 'var' ? id(a.name, a.type) : element(a).text))).text;
    }
    const text = element(e).text;
    return e.type === 'tensor' ? `map(n, (i) => ${text})` : text;
  };

  const declared = new Set(l.inputs.map((n) => key(n, typeOfInput(n))));
  const assignments = (k: string) => l.body.filter((s) => key(s.target, s.value.type) === k).length;
  const body = l.body.map((s) => {
    const k = key(s.target, s.value.type);
    const lhs = id(s.target, s.value.type);
    if (declared.has(k)) return `  ${lhs} = ${value(s.value)};`;
    declared.add(k);
    return `  ${assignments(k) > 1 ? 'let' : 'const'} ${lhs} = ${value(s.value)};`;
  });
  const returned = l.ret.map((e) => (e.type === 'scalar' ? `new Float32Array(n).fill(${value(e)})` : e.kind === 'var' ? id(e.name, e.type) : value(e)));
  const params = [
    ...l.inputs.map((n) => `${id(n, typeOfInput(n))}: ${typeOfInput(n) === 'tensor' ? 'Float32Array' : 'number'}`),
    ...l.plan.list.map((h) => `${camelName(h.name)}: number`),
  ];
  const tuple = `[${l.ret.map(() => 'Float32Array').join(', ')}]`;
  const head = `export function ${fnName}(${params.join(', ')}): ${tuple} {`;
  const text = [
    `/** The program for one parameter tensor: returns [update${l.slots.map((s) => `, ${s}`).join('')}], each shaped like w. */`,
    head.length <= 100 ? head : `export function ${fnName}(\n${params.map((p) => `  ${p},`).join('\n')}\n): ${tuple} {`,
    `  const n = ${id('w', 'tensor')}.length;`,
    ...body,
    `  return [${returned.join(', ')}];`,
    '}',
  ].join('\n');
  const helpers = Object.entries(TYPESCRIPT_OPS)
    .filter(([op]) => used.has(op as OpName))
    .flatMap(([, e]) => ((e as OpEntry).define ? [(e as OpEntry).define!] : []));
  return { text, helpers };
}
