// Text every exported file carries: the program, its hyperparameters with their sites, the semantics.
import type { Hyperparameter } from './hyperparameters.js';
import type { Lowered } from './lower.js';
import { printNumber } from '../dsl/index.js';

const ROLE_TEXT: Readonly<Record<Hyperparameter['role'], string>> = {
  lr_scale: 'learning-rate multiplier',
  weight_decay: 'weight decay',
  beta: 'interpolation factor',
  eps: 'epsilon',
  momentum: 'momentum',
};

/** One row per hyperparameter, lr first: [name in the target, default, description]. */
export function hyperparameterRows(l: Lowered, nameOf: (snake: string) => string): string[] {
  const lr = l.plan.lr;
  const rows: [string, string, string][] = [
    [
      nameOf('lr'),
      printNumber(lr.value),
      lr.folded
        ? `learning rate: \`${lr.site}\` in the program, with symevo's lr schedule at 1`
        : "the program's `lr` input, which symevo's schedules scale from a peak of 1",
    ],
    ...l.plan.list.map((h): [string, string, string] => [nameOf(h.name), printNumber(h.value), `${ROLE_TEXT[h.role]}: \`${h.site}\``]),
  ];
  const width = (i: 0 | 1) => Math.max(...rows.map((r) => r[i].length));
  return rows.map(([name, value, text]) => `${name.padEnd(width(0))}  ${value.padEnd(width(1))}  ${text}`);
}

/** The semantics paragraph; `roundOnce` says whether the target evaluates functions in float64. */
export function semanticsLines(roundOnce: boolean): string[] {
  return [
    "Semantics are those of symevo's reference interpreter: float32 arithmetic; x / 0 is 0;",
    'sqrt, log, log2 and log10 act on |x|, log1p(x) is log|1 + x|, x ** y is |x| ** y; min, max',
    'and clip propagate NaN. Reductions (norm, mean, dot, rms) cover one parameter tensor.',
    roundOnce
      ? 'Elementwise functions are evaluated in float64 and rounded once; reductions accumulate in'
      : 'Elementwise functions are evaluated in float32 here (the reference rounds them once from',
    roundOnce ? 'float64 and round once.' : 'float64), so results may differ from it in the last bit.',
    `State slots start at zero; step counts from 1.`,
  ];
}

export function programLines(l: Lowered): string[] {
  return l.text.trimEnd().split('\n');
}
