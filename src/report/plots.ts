// The report's plots, drawn by Observable Plot into a server-side DOM (jsdom) and kept as SVG text,
// so the page needs no script to show them.
import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';
import type { RatePoint, SeriesPoint } from './run-stats.js';

export interface RenderedPlot {
  /** Stable name, the `data-plot` attribute of its section. */
  readonly name: string;
  readonly title: string;
  /** The plot's markup: an <svg>, or a <figure> holding a legend and an <svg>. */
  readonly markup: string;
}

export interface PlotInputs {
  readonly series: readonly SeriesPoint[];
  readonly rates: readonly RatePoint[];
  /** e.g. "valLoss at stage 0 (mlp-teacher, 100 steps)". */
  readonly metricLabel: string;
}

const SIZE = { width: 720, height: 260, marginLeft: 60 } as const;

/** Seconds or minutes, whichever reads better for a run of this length. */
function timeAxis(maxSeconds: number): { readonly scale: number; readonly label: string } {
  return maxSeconds > 600 ? { scale: 1 / 60, label: 'wall time (min)' } : { scale: 1, label: 'wall time (s)' };
}

/** Best-so-far and population-median rows in long form, for one line per kind. */
function fitnessRows(series: readonly SeriesPoint[], x: (p: SeriesPoint) => number) {
  return series.flatMap((p) => [
    ...(p.best === undefined ? [] : [{ x: x(p), value: p.best, kind: 'best so far' }]),
    ...(p.median === undefined ? [] : [{ x: x(p), value: p.median, kind: 'population median' }]),
  ]);
}

/** The points where the best so far changed: one dot per new best. */
function improvements(rows: ReturnType<typeof fitnessRows>) {
  const best = rows.filter((r) => r.kind === 'best so far');
  return best.filter((r, i) => i === 0 || r.value !== best[i - 1]!.value);
}

/**
 * The fitness axis: from the lowest value to the highest best-so-far or the 90th percentile of the
 * medians, whichever is higher, so that a few diverging candidates do not flatten the best curve
 * (lines are clipped there); log when positive values span more than a decade.
 */
function valueScale(rows: readonly { readonly value: number; readonly kind: string }[], label: string): Plot.ScaleOptions {
  if (rows.length === 0) return { label };
  const values = rows.map((r) => r.value);
  const medians = rows.filter((r) => r.kind === 'population median').map((r) => r.value).sort((a, b) => a - b);
  const lo = values.reduce((a, b) => Math.min(a, b));
  const bestHi = rows.filter((r) => r.kind === 'best so far').reduce((a, r) => Math.max(a, r.value), lo);
  const hi = Math.max(bestHi, medians[Math.floor(0.9 * (medians.length - 1))] ?? lo);
  const domain = hi > lo ? [lo, hi] : undefined;
  return { label, ...(domain ? { domain } : {}), ...(lo > 0 && hi / lo > 10 ? { type: 'log' as const } : {}) };
}

export function renderPlots(inputs: PlotInputs): RenderedPlot[] {
  const { document } = new JSDOM('').window;
  const draw = (options: Plot.PlotOptions) => (Plot.plot({ ...SIZE, document, grid: true, ...options }) as Element).outerHTML;
  const { series, rates, metricLabel } = inputs;
  const time = timeAxis(series.reduce((max, p) => Math.max(max, p.seconds), 0));
  const color = { legend: true, domain: ['best so far', 'population median'] };
  const fitnessLines = (rows: ReturnType<typeof fitnessRows>) => [
    Plot.line(rows, { x: 'x', y: 'value', stroke: 'kind', curve: 'step-after', clip: true }),
    Plot.dot(improvements(rows), { x: 'x', y: 'value', fill: 'kind', r: 2.5, clip: true }),
  ];
  const byEvaluation = fitnessRows(series, (p) => p.evaluation);
  const byTime = fitnessRows(series, (p) => p.seconds * time.scale);
  const y = valueScale(byEvaluation, metricLabel);
  return [
    {
      name: 'fitness-evaluations',
      title: 'Best and median fitness against evaluations',
      markup: draw({ color, x: { label: 'evaluations' }, y, marks: fitnessLines(byEvaluation) }),
    },
    {
      name: 'fitness-time',
      title: 'Best and median fitness against wall time',
      markup: draw({ color, x: { label: time.label }, y, marks: fitnessLines(byTime) }),
    },
    {
      name: 'throughput',
      title: 'Evaluations per minute over time',
      markup: draw({
        x: { label: time.label },
        y: { label: 'evaluations / min', zero: true },
        marks: [Plot.line(rates, { x: (r: RatePoint) => r.seconds * time.scale, y: 'evaluationsPerMinute' }), Plot.dot(rates, { x: (r: RatePoint) => r.seconds * time.scale, y: 'evaluationsPerMinute', r: 2 })],
      }),
    },
    {
      name: 'cache-hits',
      title: 'Cache hit rate (all evaluations so far)',
      markup: draw({
        x: { label: 'evaluations' },
        y: { label: 'cache hit rate (%)', domain: [0, 100] },
        marks: [Plot.line(series, { x: 'evaluation', y: (p: SeriesPoint) => 100 * p.cacheHitRate })],
      }),
    },
    {
      name: 'behaviours',
      title: "Distinct behaviours (fingerprints) in the population",
      markup: draw({
        x: { label: 'evaluations' },
        y: { label: 'distinct fingerprints', zero: true, tickFormat: (d: number) => (Number.isInteger(d) ? String(d) : '') },
        marks: [Plot.line(series, { x: 'evaluation', y: 'distinct', curve: 'step-after' })],
      }),
    },
  ];
}
