// Sweeps of named constants (the lr multiplier, the weight decay, ...): every program at every
// setting of a grid, all variants trained as replicas of one evaluation, and each program judged at
// its best setting, so that optimizers are compared at their own best learning rates.
import { parseOptimizer, printProgram, setNamedConstant, type CheckedOptimizer } from '../dsl/index.js';
import type { CandidateEvaluation } from './evaluate.js';
import type { FunnelMetric } from './funnel.js';

/** One constant and the values it takes: `lr=1e-4,1e-3` or, for --lr-sweep, name `lr`. */
export interface SweepAxis {
  readonly name: string;
  readonly values: readonly number[];
}

/** Values of the axes that apply to a program, by constant name. */
export type SweepSetting = Readonly<Record<string, number>>;

export interface SweepCell {
  readonly setting: SweepSetting;
  readonly result: CandidateEvaluation;
}

export interface ProgramSweep {
  /** Every setting of the grid, in grid order (the first axis varies slowest). */
  readonly cells: readonly SweepCell[];
  /** Index of the best cell by the metric; undefined when none ended with a finite metric. */
  readonly best?: number;
  /** Axes that do not apply to this program (it has no such constant), with the reason. */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `NAME=v1,v2,...` → an axis; throws a RangeError whose message says what is wrong. */
export function parseSweepAxis(text: string): SweepAxis {
  const eq = text.indexOf('=');
  if (eq < 0) throw new RangeError(`expected NAME=VALUE,VALUE,..., got '${text}'`);
  const name = text.slice(0, eq).trim();
  if (!NAME.test(name)) throw new RangeError(`expected a constant name before '=', got '${name}'`);
  return { name, values: parseSweepValues(text.slice(eq + 1)) };
}

/** `v1,v2,...`: distinct finite numbers, at least one. */
export function parseSweepValues(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const values = parts.map(Number);
  const bad = parts.findIndex((p, i) => p === '' || !Number.isFinite(values[i]!));
  if (bad >= 0) throw new RangeError(`expected comma-separated numbers, got '${parts[bad]}' in '${text}'`);
  const twice = values.findIndex((v, i) => values.indexOf(v) < i);
  if (twice >= 0) throw new RangeError(`${parts[twice]} is listed twice in '${text}'`);
  return values;
}

/** Checks that no constant is swept twice. */
export function checkAxes(axes: readonly SweepAxis[]): void {
  const names = axes.map((a) => a.name);
  const twice = names.find((n, i) => names.indexOf(n) < i);
  if (twice !== undefined) throw new RangeError(`the constant ${twice} is swept twice`);
}

export interface SweepVariants {
  readonly variants: readonly { readonly setting: SweepSetting; readonly checked: CheckedOptimizer }[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

/** The grid of one program: one variant per combination of the axes it has a constant for. */
export function sweepVariants(checked: CheckedOptimizer, axes: readonly SweepAxis[], label = 'program'): SweepVariants {
  const skipped: { name: string; reason: string }[] = [];
  const applied = axes.filter((axis) => {
    const probe = setNamedConstant(checked.program, axis.name, axis.values[0]!);
    if (!probe.ok) skipped.push({ name: axis.name, reason: probe.reason });
    return probe.ok;
  });
  let grid: { setting: Record<string, number>; program: CheckedOptimizer['program'] }[] = [{ setting: {}, program: checked.program }];
  for (const axis of applied) {
    grid = grid.flatMap((cell) =>
      axis.values.map((value) => {
        const set = setNamedConstant(cell.program, axis.name, value);
        if (!set.ok) throw new Error(`setting ${axis.name} failed after it was found: ${set.reason}`);
        return { setting: { ...cell.setting, [axis.name]: value }, program: set.program };
      }),
    );
  }
  const variants = grid.map((cell) => ({
    setting: cell.setting,
    checked: parseOptimizer(printProgram(cell.program), `${label} ${settingText(cell.setting)}`),
  }));
  return { variants, skipped };
}

/** `lr=0.001 wd=0.1`, or `as written` for an empty setting. */
export function settingText(setting: SweepSetting): string {
  const parts = Object.entries(setting).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? 'as written' : parts.join(' ');
}

/**
 * Sweeps every program over the axes. `evaluate` trains a list of programs together (one pass of
 * replicas, as evaluatePrograms does) and returns one result per program, in order.
 */
export async function sweepPrograms(
  programs: readonly CheckedOptimizer[],
  axes: readonly SweepAxis[],
  evaluate: (programs: readonly CheckedOptimizer[]) => Promise<readonly CandidateEvaluation[]>,
  metric: FunnelMetric = 'valLoss',
  lowerIsBetter = true,
): Promise<ProgramSweep[]> {
  checkAxes(axes);
  const grids = programs.map((p, i) => sweepVariants(p, axes, `program ${i + 1}`));
  const results = await evaluate(grids.flatMap((g) => g.variants.map((v) => v.checked)));
  let next = 0;
  return grids.map((grid) => {
    const cells = grid.variants.map((v) => ({ setting: v.setting, result: results[next++]! }));
    const best = bestCell(cells, metric, lowerIsBetter);
    return { cells, ...(best === undefined ? {} : { best }), skipped: grid.skipped };
  });
}

/** The cell with the best finite metric among those that trained without diverging (first on ties). */
export function bestCell(cells: readonly SweepCell[], metric: FunnelMetric, lowerIsBetter: boolean): number | undefined {
  let best: number | undefined;
  cells.forEach((cell, i) => {
    const r = cell.result;
    if (r.status !== 'ok' || !Number.isFinite(r[metric])) return;
    const current = best === undefined ? undefined : (cells[best]!.result as { [k in FunnelMetric]: number })[metric];
    if (current === undefined || (lowerIsBetter ? r[metric] < current : r[metric] > current)) best = i;
  });
  return best;
}

/**
 * Whether the best value of an axis is the first or last of its values (so the true best may lie
 * beyond the grid), by axis name.
 */
export function bestAtEdge(sweep: ProgramSweep, axes: readonly SweepAxis[]): string[] {
  if (sweep.best === undefined) return [];
  const setting = sweep.cells[sweep.best]!.setting;
  return axes.filter((a) => {
    const v = setting[a.name];
    if (v === undefined || a.values.length < 2) return false;
    const sorted = [...a.values].sort((x, y) => x - y);
    return v === sorted[0] || v === sorted[sorted.length - 1];
  }).map((a) => a.name);
}
