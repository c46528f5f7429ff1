// The run's best programs, one per behaviour, ranked as the search ranks them (higher funnel stage,
// then better score), each with its scores per stage, size before and after simplification, and
// relation to the known optimizers.
import { updateHallOfFame, type HallOfFameEntry, type JournalEntry } from '../search/index.js';
import { describeKinship, kinship, type Kinship } from './known-optimizers.js';
import { programFacts } from './program-facts.js';
import type { RunRead } from './run-reader.js';

export interface LeaderboardRow {
  readonly rank: number;
  readonly id: number;
  readonly stageReached: number;
  readonly score: number;
  /** The search metric at each funnel stage; null where the program did not get there. */
  readonly stageScores: readonly (number | null)[];
  readonly statements: { readonly before: number; readonly after: number };
  /** Canonical text as evolved, and simplified. */
  readonly program: string;
  readonly simplified: string;
  readonly fingerprint: string;
  /** "lion up to constants", "different (closest adamw, cos 0.93)", ... */
  readonly relation: string;
  readonly kinship: Kinship;
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

export function leaderboard(run: RunRead, top: number): LeaderboardRow[] {
  const byId = new Map(run.entries.map((e) => [e.id, e]));
  return rankedEntries(run)
    .slice(0, top)
    .flatMap((h, i) => {
      const entry = byId.get(h.id)!;
      const facts = programFacts(h.program);
      if (typeof facts === 'string' || h.fitness.status !== 'ok') return [];
      const kin = kinship(facts.checked);
      return [{
        rank: i + 1,
        id: h.id,
        stageReached: h.fitness.stageReached,
        score: h.fitness.score,
        stageScores: stageScores(run, entry),
        statements: facts.statements,
        program: h.program,
        simplified: facts.simplified,
        fingerprint: h.fingerprint,
        relation: describeKinship(kin),
        kinship: kin,
      }];
    });
}
