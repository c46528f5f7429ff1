// The schema of a search-space file (zod): field types, ranges and defaults, with messages that say
// what was expected and what was found. Seeds and the baseline are only paths here (space-seeds.ts).
import { z } from 'zod';
import { isOpName, OP_NAMES, ROLE_PARAMS, type DslError, type OpName } from '../dsl/index.js';
import { checkTransformerSize, FEED_FORWARD_ACTIVATIONS, TASKS } from '../tasks/index.js';
import { LOWER_IS_BETTER, SPACE_DEFAULTS as D } from './space-defaults.js';
import type { FunnelStage, MetricName, Promotion } from './space-types.js';
import { MAX_LR_FACTORS } from './lr-factors.js';

export type IssuePath = readonly (string | number)[];

export interface SpaceIssue {
  readonly path: IssuePath;
  readonly message: string;
  /** Where in the space file, for a JSON syntax error. */
  readonly at?: { readonly line: number; readonly col: number };
  /** The error in a seed or baseline program, with its own file:line:col. */
  readonly dsl?: DslError;
}

/** A value as the user wrote it, shortened. */
export function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** zod error option: `expected <what>, got <value>`, or `missing` when the field is absent. */
const expecting = (what: string) => ({
  error: (iss: { readonly input?: unknown }) =>
    iss.input === undefined ? `missing; expected ${what}` : `expected ${what}, got ${show(iss.input)}`,
});

const number = (what: string) => z.number(expecting(what));
const integer = (what: string) => number(what).int(expecting(what));
const positiveInt = (what = 'a positive integer') => integer(what).positive(expecting(what));
const nonNegativeInt = (what = 'a non-negative integer') => integer(what).nonnegative(expecting(what));
const positive = (what = 'a positive number') => number(what).positive(expecting(what));
const nonNegative = (what = 'a non-negative number') => number(what).nonnegative(expecting(what));
const probability = (what = 'a number in [0, 1]') => number(what).min(0, expecting(what)).max(1, expecting(what));
const fraction = (what = 'a number in (0, 1]') => number(what).gt(0, expecting(what)).lte(1, expecting(what));
const nonEmpty = (what = 'a non-empty string') => z.string(expecting(what)).min(1, expecting(what));

function object<S extends z.core.$ZodLooseShape>(shape: S) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys' ? `unknown field; known fields: ${known}` : `expected an object, got ${show(iss.input)}`,
  });
}

const list = <T extends z.ZodType>(item: T, what: string) => z.array(item, expecting(what));

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, expecting(`one of ${values.map((v) => `"${v}"`).join(', ')}`));
}

const RESERVED = new Set([...Object.keys(ROLE_PARAMS), 'def', 'return']);

const slotName = z
  .string(expecting('a name'))
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, expecting('a name (letters, digits and _, not starting with a digit)'))
  .refine((s) => !RESERVED.has(s), { error: (iss) => `${show(iss.input)} is reserved (w, g, lr and step are the optimizer's inputs)` });

const functionName = z
  .string(expecting('a function name'))
  .refine(isOpName, { error: (iss) => `unknown function ${show(iss.input)}${nearest(String(iss.input))}` })
  .transform((s) => s as OpName);

/** `; did you mean "sign"?` for a name one or two edits from a catalogue name. */
function nearest(name: string): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const op of OP_NAMES) {
    const d = editDistance(name.toLowerCase(), op);
    if (d < bestDistance) [best, bestDistance] = [op, d];
  }
  return best === undefined ? '' : `; did you mean "${best}"?`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

/** Reports the second and later copies of a value in a list. */
const unique = (what: string) => (items: readonly string[], ctx: z.core.$RefinementCtx<readonly string[]>) => {
  items.forEach((item, i) => {
    if (items.indexOf(item) < i) ctx.addIssue({ code: 'custom', path: [i], message: `${what} ${show(item)} is listed twice` });
  });
};

const promote = object({
  beatBaseline: z.literal(true, expecting('true')).optional(),
  topFraction: fraction().optional(),
  threshold: number('a number').optional(),
})
  .refine((p) => Object.keys(p).length === 1, { error: 'expected exactly one of beatBaseline, topFraction, threshold' })
  .transform((p): Promotion => {
    if (p.topFraction !== undefined) return { kind: 'topFraction', fraction: p.topFraction };
    if (p.threshold !== undefined) return { kind: 'threshold', value: p.threshold };
    return { kind: 'beatBaseline' };
  });

/** One task, or several whose metrics a stage combines (mean or median). */
const taskList = z.union([nonEmpty(), list(nonEmpty(), 'a list of task names').min(1, expecting('at least one task')).superRefine(unique('task'))], {
  error: (iss) => `expected a task name or a list of task names, got ${show(iss.input)}`,
});

const stage = object({
  task: taskList,
  aggregate: oneOf(['mean', 'median']).optional(),
  steps: positiveInt(),
  batch: positiveInt().optional(),
  lr: positive().optional(),
  seed: nonNegativeInt().optional(),
  // The Transformer's sizes, on the charlm task (its defaults otherwise).
  width: positiveInt().optional(),
  heads: positiveInt().optional(),
  layers: positiveInt().optional(),
  context: positiveInt().optional(),
  act: oneOf(FEED_FORWARD_ACTIVATIONS as ['relu', 'sqrelu']).optional(),
  dconv: z.boolean(expecting('true or false')).optional(),
  // Block spaces: "flops" trains each candidate for the steps that spend the baseline block's FLOPs
  // in `steps` steps, so a costlier block gets fewer steps (Primer's equal-compute fitness).
  compute: oneOf(['steps', 'flops']).optional(),
  promote: promote.optional(),
}).superRefine(transformerStage);

/** Size fields only on a Transformer task, and only sizes that make a model (an unknown task is reported elsewhere). */
function transformerStage(s: Record<string, unknown> & { task: string | string[] }, ctx: z.core.$RefinementCtx<Record<string, unknown>>): void {
  const fields = ['width', 'heads', 'layers', 'context', 'act', 'dconv'].filter((f) => s[f] !== undefined);
  const task = Array.isArray(s.task) ? s.task[0]! : s.task; // several tasks: sizes are the first's
  const defaults = Object.hasOwn(TASKS, task) ? TASKS[task]!.defaults : undefined;
  if (fields.length === 0 || defaults === undefined) return;
  if (defaults.transformer === undefined) {
    for (const f of fields) ctx.addIssue({ code: 'custom', path: [f], message: `task ${show(s.task)} is an MLP; ${f} is a Transformer size (charlm)` });
    return;
  }
  try {
    checkTransformerSize({ ...defaults.transformer, ...Object.fromEntries(fields.map((f) => [f, s[f]])) });
  } catch (error) {
    ctx.addIssue({ code: 'custom', path: [fields.includes('heads') ? 'heads' : fields[0]!], message: error instanceof Error ? error.message : String(error) });
  }
}

const funnel = list(stage, 'a list of stages')
  .min(1, expecting('at least one stage'))
  .superRefine((stages, ctx) => {
    const last = stages.length - 1;
    if (stages[last]?.promote !== undefined) {
      ctx.addIssue({ code: 'custom', path: [last, 'promote'], message: 'the last stage promotes nowhere; remove this field' });
    }
  })
  .superRefine((stages, ctx) =>
    stages.forEach((s, i) => {
      if (s.aggregate !== undefined && !Array.isArray(s.task)) {
        ctx.addIssue({ code: 'custom', path: [i, 'aggregate'], message: 'combines the metrics of several tasks; list them in task' });
      }
    }),
  )
  .transform((stages): FunnelStage[] =>
    stages.map(({ task, ...s }, i) => {
      // Several tasks: `task` is the first and `tasks` all of them, combined by their mean unless told.
      const tasks = Array.isArray(task) && task.length > 1 ? { task: task[0]!, tasks: task, aggregate: s.aggregate ?? D.aggregate } : { task: Array.isArray(task) ? task[0]! : task };
      const stage = { ...s, ...tasks };
      return i < stages.length - 1 && s.promote === undefined ? { ...stage, promote: D.promote } : stage;
    }),
  );

const constants = object({
  initial: object({
    distribution: z.literal('normal', expecting('"normal"')).default('normal'),
    mean: number('a number').default(D.constants.initial.mean),
    std: nonNegative().default(D.constants.initial.std),
  }).prefault({}),
  perturb: object({
    replaceProbability: probability().default(D.constants.perturb.replaceProbability),
    scaleLog2Std: nonNegative().default(D.constants.perturb.scaleLog2Std),
  }).prefault({}),
  limit: positive().default(D.constants.limit),
})
  .prefault({})
  .transform(({ initial, perturb, limit }) => ({ initial: { mean: initial.mean, std: initial.std }, perturb, limit }));

const mutation = object({
  mode: oneOf(['evolve', 'constants-only', 'random']).default(D.mutation.mode),
  weights: object({
    insert: nonNegative().default(D.mutation.weights.insert),
    delete: nonNegative().default(D.mutation.weights.delete),
    modify: nonNegative().default(D.mutation.weights.modify),
  })
    .prefault({})
    .refine((w) => w.insert + w.delete + w.modify > 0, { error: 'expected at least one positive weight' }),
  maxRetries: positiveInt().default(D.mutation.maxRetries),
  neutral: oneOf(['accept', 'retry']).default(D.mutation.neutral),
}).prefault({});

const evolution = object({
  population: positiveInt().default(D.evolution.population),
  tournamentSize: positiveInt().default(D.evolution.tournamentSize),
  budget: positiveInt().default(D.evolution.budget),
  batchSize: positiveInt().default(D.evolution.batchSize),
  restartAfter: nonNegativeInt().default(D.evolution.restartAfter),
})
  .prefault({})
  .superRefine((e, ctx) => {
    if (e.tournamentSize > e.population) {
      const message = `expected at most the population (${e.population}), got ${e.tournamentSize}`;
      ctx.addIssue({ code: 'custom', path: ['tournamentSize'], message });
    }
  });

const metric = object({
  name: oneOf(['valLoss', 'valAccuracy', 'trainLoss']).default(D.metric),
  lowerIsBetter: z.boolean(expecting('true or false')).optional(),
})
  .prefault({})
  .superRefine((m, ctx) => {
    const lower = LOWER_IS_BETTER[m.name];
    if (m.lowerIsBetter !== undefined && m.lowerIsBetter !== lower) {
      const message = `${m.name} is ${lower ? 'lower' : 'higher'}-is-better; expected ${lower} or no field`;
      ctx.addIssue({ code: 'custom', path: ['lowerIsBetter'], message });
    }
  })
  .transform((m) => ({ name: m.name as MetricName, lowerIsBetter: LOWER_IS_BETTER[m.name] }));

export const spaceSchema = object({
  name: nonEmpty().optional(),
  description: z.string(expecting('a string')).default(D.description),
  dialect: oneOf(['optimizer', 'block']).default(D.dialect),
  block: object({
    optimizer: nonEmpty().default(D.block.optimizer),
    widths: list(positive(), 'a list of positive numbers').min(1, expecting('at least one width multiple')).default([...D.block.widths]),
    dconvTaps: list(positiveInt(), 'a list of positive integers').min(1, expecting('at least one tap count')).default([...D.block.dconvTaps]),
    heads: list(positiveInt(), 'a list of positive integers').min(1, expecting('at least one head count')).default([...D.block.heads]),
    flopsRange: z
      .tuple([positive(), positive()], expecting('[low, high], two positive numbers'))
      .refine(([low, high]) => low <= 1 && high >= 1, { error: 'expected low ≤ 1 ≤ high (the baseline itself must fit)' })
      .optional(),
  }).optional(),
  signature: object({ slots: list(slotName, 'a list of names').superRefine(unique('slot')).default([...D.slots]) }).prefault({}),
  functions: list(functionName, 'a list of function names')
    .min(1, expecting('at least one function'))
    .superRefine(unique('function'))
    .default([...D.functions]),
  constants,
  maxStatements: positiveInt().default(D.maxStatements),
  seeds: list(nonEmpty(), 'a list of program paths').min(1, expecting('at least one seed program')),
  baseline: nonEmpty().optional(),
  funnel,
  metaValidation: object({ task: nonEmpty(), steps: positiveInt(), every: positiveInt(), top: positiveInt() }).optional(),
  mutation,
  evolution,
  metric,
  lrFactors: list(positive(), 'a list of positive numbers')
    .min(1, expecting('at least one factor'))
    .max(MAX_LR_FACTORS, expecting(`at most ${MAX_LR_FACTORS} factors`))
    .superRefine((xs, ctx) =>
      xs.forEach((x, i) => {
        if (xs.indexOf(x) < i) ctx.addIssue({ code: 'custom', path: [i], message: `factor ${x} is listed twice` });
      }),
    )
    .default([...D.lrFactors]),
}).superRefine(dialectFields);

/** Fields that belong to one dialect only. */
function dialectFields(s: { dialect: string; block?: unknown; lrFactors: readonly number[]; mutation: { mode: string }; funnel: readonly { compute?: string; task: string; act?: string; dconv?: boolean }[] }, ctx: z.core.$RefinementCtx<unknown>): void {
  if (s.dialect === 'optimizer') {
    if (s.block !== undefined) ctx.addIssue({ code: 'custom', path: ['block'], message: 'block settings need "dialect": "block"' });
    s.funnel.forEach((stage, i) => {
      if (stage.compute !== undefined) ctx.addIssue({ code: 'custom', path: ['funnel', i, 'compute'], message: 'equal compute is for block spaces ("dialect": "block")' });
    });
    return;
  }
  if (s.lrFactors.length !== 1 || s.lrFactors[0] !== 1) ctx.addIssue({ code: 'custom', path: ['lrFactors'], message: 'learning-rate factors scale an evolved optimizer; a block space trains with a fixed one' });
  if (s.mutation.mode !== 'evolve') ctx.addIssue({ code: 'custom', path: ['mutation', 'mode'], message: `a block space evolves its blocks; "${s.mutation.mode}" is an optimizer mode` });
  s.funnel.forEach((stage, i) => {
    if (stage.task !== 'charlm') ctx.addIssue({ code: 'custom', path: ['funnel', i, 'task'], message: `blocks train on the charlm task, not ${show(stage.task)}` });
    for (const field of ['act', 'dconv'] as const) {
      if (stage[field] !== undefined) ctx.addIssue({ code: 'custom', path: ['funnel', i, field], message: `${field} sets the built-in block; in a block space the evolved block says its own` });
    }
  });
}

export type SpaceFields = z.output<typeof spaceSchema>;

/**
 * Removes `$comment` fields everywhere and `description` fields below the top level (both are
 * comments), reporting one that is not a string (or, for `$comment`, a list of strings).
 */
export function stripComments(value: unknown, issues: SpaceIssue[], path: IssuePath = []): unknown {
  if (Array.isArray(value)) return value.map((v, i) => stripComments(v, issues, [...path, i]));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const comment = key === '$comment' || (key === 'description' && path.length > 0);
    if (!comment) {
      // defineProperty: a "__proto__" field stays data (and is then reported as unknown).
      const field = stripComments(v, issues, [...path, key]);
      Object.defineProperty(out, key, { value: field, enumerable: true, writable: true, configurable: true });
    } else if (typeof v !== 'string' && !(key === '$comment' && Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
      issues.push({ path: [...path, key], message: `expected a string (a comment), got ${show(v)}` });
    }
  }
  return out;
}

/** zod issues as SpaceIssues, one per unknown field. */
export function spaceIssues(error: z.ZodError): SpaceIssue[] {
  return error.issues.flatMap((iss): SpaceIssue[] => {
    const path = iss.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (iss.code === 'unrecognized_keys') return iss.keys.map((key) => ({ path: [...path, key], message: iss.message }));
    return [{ path, message: iss.message }];
  });
}

/** `funnel[1].task`; empty for the whole file. */
export function formatPath(path: IssuePath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
