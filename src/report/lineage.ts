// One program of a run in detail: as evolved and simplified, its metrics at each funnel stage, and
// its lineage back to a seed, each step the mutation and a diff from parent to child.
import { type EvaluatorInfo, type JournalEntry, type MutationRecord, type StageMetrics } from '../search/index.js';
import { reportDialect, type Verdict } from './dialects.js';
import { stageCost, type StageCost } from './leaderboard.js';
import { unifiedDiff } from './line-diff.js';
import { programFacts } from './program-facts.js';
import type { FunnelStage, RunRead } from './run-reader.js';

export interface LineageStep {
  readonly id: number;
  readonly parentId: number | null;
  readonly mutation: MutationRecord;
  /** "stage 1 valLoss 1.02", "stage 1 valLoss 3.0519 (4.4030 bits/char)" or "diverged: ...". */
  readonly fitness: string;
  /** Unified diff from the parent's text to this one's; empty for a seed or an unchanged copy. */
  readonly diff: string;
}

export interface ProgramDetail {
  readonly id: number;
  readonly status: string;
  readonly fitness: string;
  readonly program: string;
  readonly simplified?: string;
  readonly statements?: { readonly before: number; readonly after: number };
  readonly relation?: string;
  /** The classifier's verdict, where the dialect's is cheap (blocks: the Primer tests). */
  readonly verdict?: Verdict;
  readonly fingerprint: string;
  readonly cacheHit: boolean;
  /** The worker that trained it (absent for cache hits and runs from before workers were journaled). */
  readonly evaluator?: EvaluatorInfo;
  readonly stages: readonly {
    readonly stage: number;
    readonly task: FunnelStage;
    readonly metrics: StageMetrics;
    /** The metric in the unit it reads best in (block runs on charlm: bits/char). */
    readonly shown?: { readonly unit: string; readonly value: number };
    /** Steps trained and FLOPs per token, where the journal records them. */
    readonly cost?: StageCost;
  }[];
  /** From the program back to a seed copy (parentId null), the program first. */
  readonly lineage: readonly LineageStep[];
  /** Set when an ancestor is missing from the journal (a run cut off before it was written). */
  readonly lineageBroken?: string;
}

export function lineage(run: RunRead, id: number): { steps: LineageStep[]; broken?: string } {
  const byId = new Map(run.entries.map((e) => [e.id, e]));
  const steps: LineageStep[] = [];
  const seen = new Set<number>();
  for (let e = byId.get(id); e !== undefined; ) {
    if (seen.has(e.id)) return { steps, broken: `a cycle at id ${e.id}` };
    seen.add(e.id);
    const parent = e.parentId === null ? undefined : byId.get(e.parentId);
    steps.push(step(run, e, parent));
    if (e.parentId === null) return { steps };
    if (parent === undefined) return { steps, broken: `parent ${e.parentId} of ${e.id} is not in the journal` };
    e = parent;
  }
  return { steps };
}

function step(run: RunRead, e: JournalEntry, parent: JournalEntry | undefined): LineageStep {
  const diff = parent === undefined ? '' : unifiedDiff(parent.program, e.program, [`#${parent.id}`, `#${e.id}`]);
  return { id: e.id, parentId: e.parentId, mutation: e.mutation, fitness: fitnessText(run, e), diff };
}

/** "stage 1 valLoss 1.0236", "stage 1 valLoss 3.0519 (4.4030 bits/char)" or "diverged: non-finite loss ...". */
export function fitnessText(run: RunRead, e: JournalEntry): string {
  if (e.status !== 'ok') return `${e.status}: ${e.reason}`;
  const unit = reportDialect(run.space).scoreUnit(run.space);
  const shown = unit === undefined ? '' : ` (${unit.convert(e.score).toPrecision(5)} ${unit.unit})`;
  return `stage ${e.stageReached} ${run.space.metric.name} ${e.score.toPrecision(5)}${shown}`;
}

export function programDetail(run: RunRead, id: number): ProgramDetail | undefined {
  const e = run.entries.find((x) => x.id === id);
  if (e === undefined) return undefined;
  const dialect = reportDialect(run.space);
  const unit = dialect.scoreUnit(run.space);
  const facts = programFacts(e.program, dialect.name);
  const trail = lineage(run, id);
  return {
    id,
    status: e.status,
    fitness: fitnessText(run, e),
    program: e.program,
    ...(typeof facts === 'string'
      ? {}
      : {
          simplified: facts.simplified,
          statements: facts.statements,
          relation: facts.relation(),
          ...(dialect.showsVerdict ? { verdict: facts.verdict() } : {}),
        }),
    fingerprint: e.fingerprint,
    cacheHit: e.cacheHit,
    ...(e.evaluator === undefined ? {} : { evaluator: e.evaluator }),
    stages: (e.metrics ?? []).map((metrics, stage) => {
      const value = metrics[run.space.metric.name];
      const cost = stageCost(e, stage);
      return {
        stage,
        task: run.space.funnel[stage] ?? { task: '?', steps: 0 },
        metrics,
        ...(unit === undefined || value === undefined ? {} : { shown: { unit: unit.unit, value: unit.convert(value) } }),
        ...(cost === undefined ? {} : { cost }),
      };
    }),
    lineage: trail.steps,
    ...(trail.broken ? { lineageBroken: trail.broken } : {}),
  };
}
