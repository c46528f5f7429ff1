// The run's best programs, one per behaviour, ranked as the search ranks them (higher funnel stage,
// then better score), each with its scores per stage, size before and after simplification, and
// relation to the known programs of its dialect (for blocks also the Primer tests, and the steps
// and FLOPs it trained with).
import { updateHallOfFame, type HallOfFameEntry, type JournalEntry } from '../search/index.js';
import { reportDialect, type Verdict } from './dialects.js';
import type { Kinship } from './known-programs.js';
import { programFacts } from './program-facts.js';
import type { RunRead } from './run-reader.js';

/** What a candidate trained at one stage, from the journal (block runs record it). */
export interface StageCost {
  readonly stage: number;
  /** Steps trained: at equal compute a costlier block trains fewer. */
  readonly steps: number;
  /** Forward FLOPs per token of the whole model. */
  readonly flopsPerToken: number;
  readonly blockParameters?: number;
}

export interface LeaderboardRow {
  readonly rank: number;
  readonly id: number;
  readonly stageReached: number;
  readonly score: number;
  /** The search metric at each funnel stage; null where the program did not get there. */
  readonly stageScores: readonly (number | null)[];
  /** The same scores in the unit they read best in (block runs on charlm: bits/char), when not the metric's own. */
  readonly shown?: { readonly unit: string; readonly score: number; readonly stageScores: readonly (number | null)[] };
  /** Steps and FLOPs at the last stage reached, where the journal records them. */
  readonly cost?: StageCost;
  readonly statements: { readonly before: number; readonly after: number };
  /** Canonical text as evolved, and simplified. */
  readonly program: string;
  readonly simplified: string;
  readonly fingerprint: string;
  /** "lion up to constants", "different (closest adamw, cos 0.93)", "partial (squared ReLU); transformer up to constants", ... */
  readonly relation: string;
  readonly kinship: Kinship;
  /** The classifier's verdict, where the dialect's is cheap enough for every row (blocks: the Primer tests). */
  readonly verdict?: Verdict;
}

/** The ranking of the whole journal, as the engine's hall of fame would hold it with room for all. */
export function rankedEntries(run: RunRead): readonly HallOfFameEntry[] {
  const lower = run.space.metric.lowerIsBetter;
  let ranked: readonly HallOfFameEntry[] = [];
  for (const e of run.entries) {
    const fitness = e.status === 'ok' ? { status: e.status, stageReached: e.stageReached, score: e.score, metrics: e.metrics } : undefined;
    if (fitness === undefined) continue;
    ranked = updateHallOfFame(ranked, { id: e.id, program: e.program, fingerprint: e.fingerprint, fitness }, run.entries.length, lower);
  }
  return ranked;
}

export function stageScores(run: RunRead, e: Pick<JournalEntry, 'metrics'>): (number | null)[] {
  return run.space.funnel.map((_, s) => e.metrics?.[s]?.[run.space.metric.name] ?? null);
}

/** Steps and FLOPs per token at `stage`, when the journal has both. */
export function stageCost(e: Pick<JournalEntry, 'metrics'>, stage: number): StageCost | undefined {
  const m = e.metrics?.[stage];
  const steps = m?.['steps'], flopsPerToken = m?.['flopsPerToken'], blockParameters = m?.['blockParameters'];
  if (steps === undefined || flopsPerToken === undefined) return undefined;
  return { stage, steps, flopsPerToken, ...(blockParameters === undefined ? {} : { blockParameters }) };
}

export function leaderboard(run: RunRead, top: number): LeaderboardRow[] {
  const byId = new Map(run.entries.map((e) => [e.id, e]));
  const dialect = reportDialect(run.space);
  const unit = dialect.scoreUnit(run.space);
  return rankedEntries(run)
    .slice(0, top)
    .flatMap((h, i) => {
      const entry = byId.get(h.id)!;
      const facts = programFacts(h.program, dialect.name);
      if (typeof facts === 'string' || h.fitness.status !== 'ok') return [];
      const scores = stageScores(run, entry);
      const cost = stageCost(entry, h.fitness.stageReached);
      const row: LeaderboardRow = {
        rank: i + 1,
        id: h.id,
        stageReached: h.fitness.stageReached,
        score: h.fitness.score,
        stageScores: scores,
        ...(unit === undefined
          ? {}
          : { shown: { unit: unit.unit, score: unit.convert(h.fitness.score), stageScores: scores.map((s) => (s === null ? null : unit.convert(s))) } }),
        ...(cost === undefined ? {} : { cost }),
        statements: facts.statements,
        program: h.program,
        simplified: facts.simplified,
        fingerprint: h.fingerprint,
        relation: facts.relation(),
        kinship: facts.kinship(),
        ...(dialect.showsVerdict ? { verdict: facts.verdict() } : {}),
      };
      return [row];
    });
}
