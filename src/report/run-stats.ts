// A run's totals and its course over time, from the journal: fitness, throughput, cache hits and
// the population's distinct behaviours after each evaluation.
import type { JournalEntry } from '../search/index.js';
import { programFacts } from './program-facts.js';
import type { RunRead } from './run-reader.js';

export interface RunTotals {
  readonly evaluations: number;
  readonly budget: number;
  /** Evaluations trained rather than answered from the cache. */
  readonly trained: number;
  readonly cacheHitRate: number;
  /** Redundant statements / statements, over every evaluation (as the engine counts it). */
  readonly redundantFraction: number;
  /** From the run's creation to its last journaled evaluation. */
  readonly wallSeconds: number;
  readonly evaluationsPerMinute: number;
  readonly ok: number;
  readonly diverged: number;
  /** invalid, failed, crash and timeout together. */
  readonly failed: number;
  readonly byStatus: Readonly<Record<string, number>>;
}

/** The run after each evaluation (journal order). */
export interface SeriesPoint {
  readonly evaluation: number;
  /** Since the run was created. */
  readonly seconds: number;
  /** Best stage-0 metric so far; undefined before any finite one. */
  readonly best?: number;
  /** Median stage-0 metric of the population's finite values. */
  readonly median?: number;
  /** Cache hits / evaluations so far. */
  readonly cacheHitRate: number;
  /** Distinct fingerprints in the population. */
  readonly distinct: number;
}

export interface RatePoint {
  /** Middle of the time bucket, since the run was created. */
  readonly seconds: number;
  readonly evaluationsPerMinute: number;
}

export const startMs = (run: RunRead): number => Date.parse(run.config.createdAt);
const secondsOf = (run: RunRead, e: JournalEntry) => Math.max(0, (Date.parse(e.time) - startMs(run)) / 1000);

/** The search metric at funnel stage 0, which every evaluated candidate has. */
export function stageZeroMetric(run: RunRead, e: JournalEntry): number | undefined {
  const v = e.metrics?.[0]?.[run.space.metric.name];
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

export function runTotals(run: RunRead): RunTotals {
  const { entries } = run;
  const byStatus: Record<string, number> = {};
  let statements = 0, redundant = 0;
  for (const e of entries) {
    byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
    const facts = programFacts(e.program, run.space.dialect);
    if (typeof facts === 'string') continue;
    statements += facts.statements.before;
    redundant += facts.redundant;
  }
  const hits = entries.filter((e) => e.cacheHit).length;
  const wallSeconds = entries.reduce((max, e) => Math.max(max, secondsOf(run, e)), 0);
  const ok = byStatus['ok'] ?? 0;
  const diverged = byStatus['diverged'] ?? 0;
  return {
    evaluations: entries.length,
    budget: run.checkpoint?.config.budget ?? run.space.budget,
    trained: entries.length - hits,
    cacheHitRate: entries.length === 0 ? 0 : hits / entries.length,
    redundantFraction: statements === 0 ? 0 : redundant / statements,
    wallSeconds,
    evaluationsPerMinute: wallSeconds > 0 ? entries.length / (wallSeconds / 60) : 0,
    ok,
    diverged,
    failed: entries.length - ok - diverged,
    byStatus,
  };
}

interface Member {
  readonly fingerprint: string;
  readonly metric: number | undefined;
}

/** Replays the population's aging (and restarts from the best, as the checkpoint records them). */
export function runSeries(run: RunRead): SeriesPoint[] {
  const lower = run.space.metric.lowerIsBetter;
  const restarts = new Map((run.checkpoint?.events ?? []).map((e) => [e.evaluation, e.bestId]));
  const byId = new Map(run.entries.map((e) => [e.id, e]));
  let population: Member[] = [];
  let best: number | undefined;
  let hits = 0;
  return run.entries.map((e, i) => {
    const metric = stageZeroMetric(run, e);
    if (metric !== undefined && (best === undefined || (lower ? metric < best : metric > best))) best = metric;
    if (e.cacheHit) hits++;
    population.push({ fingerprint: e.fingerprint, metric });
    if (population.length > run.space.population) population.shift();
    const restartFrom = byId.get(restarts.get(i + 1) ?? -1);
    if (restartFrom !== undefined) {
      const copy = { fingerprint: restartFrom.fingerprint, metric: stageZeroMetric(run, restartFrom) };
      population = Array.from({ length: run.space.population }, () => copy);
    }
    const med = median(population.flatMap((m) => (m.metric === undefined ? [] : [m.metric])));
    return {
      evaluation: i + 1,
      seconds: secondsOf(run, e),
      ...(best === undefined ? {} : { best }),
      ...(med === undefined ? {} : { median: med }),
      cacheHitRate: hits / (i + 1),
      distinct: new Set(population.map((m) => m.fingerprint)).size,
    };
  });
}

/** Evaluations per minute in `buckets` equal slices of the run's time (fewer for short runs). */
export function rateSeries(run: RunRead, buckets = 30): RatePoint[] {
  const times = run.entries.map((e) => secondsOf(run, e));
  const end = times.reduce((max, t) => Math.max(max, t), 0);
  const n = Math.max(1, Math.min(buckets, Math.ceil(times.length / 4)));
  if (end === 0) return [];
  const width = end / n;
  const counts = new Array<number>(n).fill(0);
  for (const t of times) counts[Math.min(n - 1, Math.floor(t / width))]!++;
  return counts.map((count, k) => ({ seconds: (k + 0.5) * width, evaluationsPerMinute: count / (width / 60) }));
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * At most about `most` points of a long series for plotting: every k-th point, the last, and every
 * point where the best changed, so the best-so-far steps stay exact.
 */
export function thinSeries(series: readonly SeriesPoint[], most = 2000): SeriesPoint[] {
  if (series.length <= most) return [...series];
  const every = Math.ceil(series.length / most);
  return series.filter((p, i) => i % every === 0 || i === series.length - 1 || p.best !== series[i - 1]?.best);
}
