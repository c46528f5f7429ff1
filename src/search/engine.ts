// The search engine: regularized evolution whose candidates are deduplicated, batched and trained by the
// worker pool, with every finished evaluation journaled before the state that counts it is checkpointed.
//
//   recover state (checkpoint + journal) → baseline scores → loop:
//     keep `workers` batches in flight (asked from the state, or re-dispatched after a stop)
//     take the OLDEST batch's results → journal → tell → checkpoint → best/ → progress
// Results are told in batch order, so a seed and a worker count fix the sequence of evaluations.
import { Rng } from '../dsl/index.js';
import type { BackendChoice } from '../tasks/index.js';
import type { FunnelJob } from '../tasks/index.js';
import { LRUCache } from 'lru-cache';
import type { CandidateKey } from './candidate-key.js';
import type { Candidate } from './candidate.js';
import { DedupCache, type CacheStats } from './dedup-cache.js';
import { ask, evolutionConfig, initEvolution, tell, type EvolutionState } from './evolution.js';
import { isRepeatable, type FitnessResult } from './fitness.js';
import { JournalWriter, entryFitness, journalEntry, type JournalEntry } from './journal.js';
import { dialectFor, dialectJobFields, type DialectTable, type SearchDialect } from './dialect.js';
import { OPTIMIZER_DIALECT } from './optimizer-dialect.js';
import { fitnessOf } from './outcome.js';
import type { BatchReply, Evaluator } from './evaluator.js';
import { openEvaluator } from './open-evaluator.js';
import { readConfig, recordTrainedOn, recover, writeBest, writeCheckpoint } from './run-store.js';
import { readBaseline, readCrashes, writeBaseline, writeInflight, type BaselineRecord } from './run-files.js';
import { spaceFromRecord } from './space-record.js';
import type { SearchSpace } from './space-types.js';
import { promotionThresholds, StageScores } from './thresholds.js';
import { MetaValidation } from './meta-validation.js';
import { collapseOutcomes, expandJob, withLrFactor } from './lr-factors.js';

export interface EngineOptions {
  readonly dir: string;
  /** Replaces the budget of the space (or of the checkpoint, on resume). */
  readonly budget?: number;
  readonly workers: number;
  readonly backend: BackendChoice;
  /** A batch running longer is abandoned (and retried once). Default 10 minutes. */
  readonly batchTimeoutMs?: number;
  /** Aborting stops the loop: the checkpoint is written and in-flight candidates stay pending. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: EngineProgress) => void;
  readonly onMessage?: (message: string) => void;
  /**
   * Default true. The engine process passes false and exits right away: terminating worker threads
   * that hold webgpu devices can crash a process, exiting it cannot.
   */
  readonly destroyPool?: boolean;
  /** redis://HOST:PORT: batches go to `symevo worker` processes over BullMQ instead of local threads. */
  readonly queue?: string;
  /** With a queue: Redis out of reach this long stops the run with an error. */
  readonly redisTimeoutMs?: number;
  /** The languages this engine can search; the space names its own. Default: optimizers only. */
  readonly dialects?: DialectTable;
}

export interface EngineProgress {
  readonly evaluations: number;
  readonly budget: number;
  readonly best?: { readonly id: number; readonly stage: number; readonly score: number; readonly summary: string };
  readonly evaluationsPerMinute: number;
  readonly cache: CacheStats;
  readonly etaSeconds: number;
}

export interface EngineSummary {
  readonly state: EvolutionState;
  readonly stopped: boolean;
  readonly cache: CacheStats;
  readonly seconds: number;
  /** Time of the engine's own work (mutation, keys, journal, checkpoints), excluding waiting for workers. */
  readonly engineSeconds: number;
  readonly evaluated: number;
}

interface Batch {
  readonly candidates: readonly Candidate[];
  readonly fingerprints: ReadonlyMap<number, string>;
  /** Results known without training: cache hits, unreadable programs, repeated crashes. */
  readonly known: ReadonlyMap<number, { fitness: FitnessResult; cacheHit: boolean }>;
  /** Candidates equivalent to an earlier one of the same batch: id → that one's id. */
  readonly sameAs: ReadonlyMap<number, number>;
  readonly reply: Promise<BatchReply | undefined>;
  readonly started: number;
}

const DEFAULT_BATCH_TIMEOUT_MS = 10 * 60 * 1000;
const CACHE_ENTRIES = 100_000;

export async function runEngine(options: EngineOptions): Promise<EngineSummary> {
  const engine = await Engine.open(options);
  try {
    return await engine.run();
  } finally {
    await engine.close();
  }
}

class Engine {
  readonly #cache = new DedupCache(CACHE_ENTRIES);
  readonly #inflight: Batch[] = [];
  readonly #started = performance.now();
  readonly #mutate;
  /** Keys the mutation already computed for its children, by program text. */
  readonly #keys = new LRUCache<string, CandidateKey>({ max: 4096 });
  /** Evaluations told before this engine started (a resumed run's earlier work). */
  readonly #startEvaluations: number;
  /** Ids in the journal: a result for one of them (a repeated delivery) is dropped. */
  readonly #journaled = new Set<number>();
  /** With `lrFactors`: the factor each trained candidate scored best at, until its batch is finished. */
  readonly #lrFactorOf = new Map<number, number>();
  #engineMs = 0;
  #evaluated = 0;

  private constructor(
    readonly options: EngineOptions,
    readonly space: SearchSpace,
    private state: EvolutionState,
    private resumeQueue: Candidate[],
    readonly crashes: ReadonlyMap<number, number>,
    readonly journal: JournalWriter,
    readonly evaluator: Evaluator,
    readonly scores: StageScores,
    readonly meta: MetaValidation,
    private baseline: BaselineRecord | undefined,
    readonly dialect: SearchDialect,
  ) {
    this.#mutate = dialect.mutator(space, (program, key) => this.#keys.set(program, key));
    this.#startEvaluations = state.evaluations;
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const { dir } = options;
    const config = readConfig(dir);
    if (!config.ok) throw new Error(config.reason);
    const space = spaceFromRecord(config.value.space);
    const dialect = dialectFor(space, options.dialects ?? { optimizer: OPTIMIZER_DIALECT });
    const seeds = space.seeds.map((s) => s.text);
    const recovered = recover(dir, () => initEvolution(evolutionConfig(space), seeds, Rng.fromSeed(config.value.seed)));
    if (!recovered.ok) throw new Error(recovered.reason);
    let state = recovered.value.state;
    if (options.budget !== undefined) state = { ...state, config: { ...state.config, budget: options.budget } };
    const scores = new StageScores(space.funnel.length);
    const engine = new Engine(
      options, space, state, [...state.pending], readCrashes(dir), JournalWriter.open(dir),
      await openEvaluator({ ...options, timeoutMs: options.batchTimeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS }),
      scores, new MetaValidation(dir, space, options.backend), readBaseline(dir), dialect,
    );
    for (const entry of recovered.value.journal.entries) engine.#remember(entry);
    return engine;
  }

  async run(): Promise<EngineSummary> {
    const stopped = new Promise<'stopped'>((resolve) => {
      if (this.options.signal?.aborted) resolve('stopped');
      this.options.signal?.addEventListener('abort', () => resolve('stopped'), { once: true });
    });
    this.baseline ??= await this.#measureBaseline(stopped);
    let stop = this.baseline === undefined;
    while (!stop) {
      this.#fill();
      const batch = this.#inflight[0];
      if (batch === undefined) break;
      const reply = await Promise.race([batch.reply, stopped]);
      if (reply === 'stopped') {
        stop = true;
        break;
      }
      this.#inflight.shift();
      this.#finish(batch, reply);
      this.meta.maybeLaunch(this.state, this.evaluator);
    }
    if (!stop) await this.meta.settle();
    const seconds = (performance.now() - this.#started) / 1000;
    return { state: this.state, stopped: stop, cache: this.#cache.stats(), seconds, engineSeconds: this.#engineMs / 1000, evaluated: this.#evaluated };
  }

  async close(): Promise<void> {
    writeCheckpoint(this.options.dir, this.state);
    this.journal.close();
    if (this.options.destroyPool !== false) await this.evaluator.destroy();
  }

  /** Scores of the baseline program at every stage (every stage run): what `beatBaseline` compares with. */
  async #measureBaseline(stopped: Promise<'stopped'>): Promise<BaselineRecord | undefined> {
    const program = this.space.baseline.text;
    this.options.onMessage?.(`measuring the baseline ${this.space.baseline.file} on ${this.space.funnel.length} stage(s)`);
    const job = this.#job([{ id: -1, text: program }], this.space.funnel.map(() => undefined));
    const reply = await Promise.race([this.#evaluate(job), stopped]);
    if (reply === 'stopped') return undefined;
    if (!reply.ok) throw new Error(`the baseline program could not be evaluated: ${reply.reason}`);
    const outcome = reply.outcomes[0]!;
    const factor = this.#lrFactorOf.get(-1);
    if (factor !== undefined) this.options.onMessage?.(`the baseline scores best at ${factor} × its learning rate`);
    const metric = this.space.metric.name;
    const record: BaselineRecord = {
      program,
      scores: outcome.stages.map((s) => (s.status === 'ok' && Number.isFinite(s[metric] ?? NaN) ? s[metric]! : null)),
      metrics: outcome.stages.map((s) => ({ trainLoss: s.trainLoss ?? NaN, valLoss: s.valLoss ?? NaN, valAccuracy: s.valAccuracy ?? NaN })),
    };
    writeBaseline(this.options.dir, record);
    const trainedOn = outcome.stages.map((s) => s.device ?? 'unknown');
    recordTrainedOn(this.options.dir, trainedOn);
    const distinct = [...new Set(trainedOn)];
    this.options.onMessage?.(`training on ${distinct.length === 1 ? distinct[0] : trainedOn.map((d, i) => `stage ${i + 1}: ${d}`).join('; ')}`);
    return record;
  }

  /** Keeps `workers` batches in flight while the budget lasts. */
  #fill(): void {
    const { batchSize } = this.space.evolution;
    while (this.#inflight.length < this.evaluator.workers && !this.#inflight.some((b) => b.candidates.some((c) => this.#isSuspect(c)))) {
      const t0 = performance.now();
      let candidates: Candidate[];
      if (this.resumeQueue.length > 0) {
        candidates = this.resumeQueue.splice(0, batchSize);
      } else {
        // Not checkpointed here: after a crash, asking again from the last checkpoint (written after
        // each tell) draws the same candidates, so the run stays reproducible.
        const asked = ask(this.state, batchSize, this.#mutate);
        this.state = asked.state;
        candidates = asked.candidates;
      }
      this.#engineMs += performance.now() - t0;
      if (candidates.length === 0) return;
      // A candidate that was in flight when an engine died runs alone, with nothing else in flight,
      // so a second crash points at that one program.
      const suspect = candidates.find((c) => this.#isSuspect(c));
      if (suspect !== undefined) {
        this.resumeQueue.unshift(...candidates.filter((c) => c !== suspect));
        if (this.#inflight.length > 0) {
          this.resumeQueue.unshift(suspect);
          return;
        }
        candidates = [suspect];
      }
      this.#inflight.push(this.#dispatch(candidates));
      this.#writeInflight();
      if (suspect !== undefined) return;
    }
  }

  #dispatch(candidates: readonly Candidate[]): Batch {
    const t0 = performance.now();
    const known = new Map<number, { fitness: FitnessResult; cacheHit: boolean }>();
    const fingerprints = new Map<number, string>();
    const sameAs = new Map<number, number>();
    const firstWith = new Map<string, number>();
    const programs: { id: number; text: string }[] = [];
    for (const c of candidates) {
      if ((this.crashes.get(c.id) ?? 0) >= 2) {
        known.set(c.id, { fitness: { status: 'crash', reason: 'the engine process died twice while this candidate was being evaluated' }, cacheHit: false });
        fingerprints.set(c.id, '');
        continue;
      }
      let key;
      try {
        key = this.#keys.get(c.program) ?? this.dialect.key(c.program, `candidate-${c.id}.dsl`);
      } catch (error) {
        known.set(c.id, { fitness: { status: 'invalid', reason: (error as Error).message }, cacheHit: false });
        fingerprints.set(c.id, '');
        continue;
      }
      fingerprints.set(c.id, key.fingerprint);
      const hit = this.#cache.lookup(key);
      const twin = firstWith.get(key.fingerprint);
      if (hit !== undefined) known.set(c.id, { fitness: hit, cacheHit: true });
      else if (twin !== undefined) sameAs.set(c.id, twin);
      else {
        firstWith.set(key.fingerprint, c.id);
        programs.push({ id: c.id, text: c.program });
      }
    }
    this.#engineMs += performance.now() - t0;
    const reply = programs.length === 0 ? Promise.resolve(undefined) : this.#runWithRetry(programs);
    // Marked handled: a lost evaluator rejects every batch in flight, and the loop awaits only the oldest.
    reply.catch(() => undefined);
    return { candidates, fingerprints, known, sameAs, reply, started: performance.now() };
  }

  async #runWithRetry(programs: readonly { id: number; text: string }[]): Promise<BatchReply> {
    const job = this.#job(programs, promotionThresholds(this.space.funnel, this.baseline!.scores.map((s) => s ?? undefined), this.scores, this.space.metric.lowerIsBetter));
    const first = await this.#evaluate(job);
    // A crash means workers already died on it twice (the queue's bounded redelivery).
    if (first.ok || first.kind === 'crash') return first;
    this.options.onMessage?.(`a batch of ${programs.length} failed (${first.kind}: ${firstLine(first.reason)}); retrying it once`);
    return this.#evaluate(job, 1);
  }

  /** Runs a job, each program at every lr factor of the space (variants of one pass), keeping its best. */
  async #evaluate(job: FunnelJob, attempt?: number): Promise<BatchReply> {
    const factors = this.space.lrFactors ?? [1];
    const reply = await (attempt === undefined ? this.evaluator.run(expandJob(job, factors)) : this.evaluator.run(expandJob(job, factors), attempt));
    if (!reply.ok) return reply;
    const collapsed = collapseOutcomes(reply.outcomes, factors, this.space.metric.name, this.space.metric.lowerIsBetter);
    for (const [id, factor] of collapsed.factors) this.#lrFactorOf.set(id, factor);
    return { ...reply, outcomes: collapsed.outcomes };
  }

  #job(programs: readonly { id: number; text: string }[], thresholds: (number | undefined)[]): FunnelJob {
    return {
      stages: this.space.funnel,
      thresholds,
      metric: this.space.metric.name,
      lowerIsBetter: this.space.metric.lowerIsBetter,
      programs,
      backend: this.options.backend,
      ...dialectJobFields(this.space),
    };
  }

  /** Journals the batch's results, tells them, checkpoints, refreshes best/ and reports progress. */
  #finish(batch: Batch, reply: BatchReply | undefined): void {
    const t0 = performance.now();
    const seconds = (performance.now() - batch.started) / 1000;
    const outcomes = new Map(reply?.ok ? reply.outcomes.map((o) => [o.id, o]) : []);
    const fitnessOfId = new Map<number, FitnessResult>();
    const entries: JournalEntry[] = batch.candidates.map((c) => {
      const known = batch.known.get(c.id);
      const twin = batch.sameAs.get(c.id);
      const outcome = outcomes.get(twin ?? c.id);
      const fitness: FitnessResult =
        known?.fitness ??
        (outcome !== undefined
          ? withLrFactor(fitnessOf(outcome, this.space.metric.name), this.#lrFactorOf.get(twin ?? c.id))
          : { status: reply !== undefined && !reply.ok ? reply.kind : 'failed', reason: reply !== undefined && !reply.ok ? reply.reason : 'no result came back' });
      fitnessOfId.set(c.id, fitness);
      const cacheHit = known?.cacheHit ?? twin !== undefined;
      if (!cacheHit && known === undefined) this.#evaluated++;
      return journalEntry(c, fitness, {
        fingerprint: batch.fingerprints.get(c.id) ?? '',
        cacheHit,
        timings: { batchSeconds: cacheHit ? 0 : seconds },
        time: new Date().toISOString(),
        ...(reply?.evaluator === undefined || cacheHit || known !== undefined ? {} : { evaluator: reply.evaluator }),
      });
    }).filter((e) => !this.#journaled.has(e.id));
    this.journal.append(entries);
    for (const c of batch.candidates) this.#lrFactorOf.delete(c.id);
    this.#writeInflight();
    // best/ holds the whole ranking, so it is rewritten when any place changes, not only the first.
    const ranking = () => this.state.best.map((b) => b.id).join(',');
    const bestBefore = ranking();
    this.state = tell(this.state, entries.map((e) => ({ id: e.id, fitness: fitnessOfId.get(e.id)!, fingerprint: e.fingerprint })));
    for (const e of entries) this.#remember(e);
    writeCheckpoint(this.options.dir, this.state);
    if (ranking() !== bestBefore) writeBest(this.options.dir, this.state.best, this.space.metric.name);
    this.#engineMs += performance.now() - t0;
    this.#report();
  }

  #isSuspect(c: Candidate): boolean {
    const crashes = this.crashes.get(c.id) ?? 0;
    return crashes > 0 && crashes < 2;
  }

  #writeInflight(): void {
    writeInflight(this.options.dir, this.#inflight.flatMap((b) => b.candidates.map((c) => c.id)));
  }

  /** A journaled result feeds the cache (when repeatable) and the per-stage score lists. */
  #remember(entry: JournalEntry): void {
    this.#journaled.add(entry.id);
    const fitness = entryFitness(entry);
    if (entry.fingerprint !== '' && isRepeatable(fitness) && !entry.cacheHit) this.#cache.store(entry.fingerprint, fitness);
    if (entry.cacheHit) return;
    (fitness.metrics ?? []).forEach((m, stage) => this.scores.add(stage, m[this.space.metric.name] ?? NaN));
  }

  #report(): void {
    const minutes = (performance.now() - this.#started) / 60000;
    const done = this.state.evaluations;
    const perMinute = minutes > 0 ? (done - this.#startEvaluations) / minutes : 0;
    const top = this.state.best[0];
    this.options.onProgress?.({
      evaluations: done,
      budget: this.state.config.budget,
      ...(top !== undefined && top.fitness.status === 'ok'
        ? { best: { id: top.id, stage: top.fitness.stageReached, score: top.fitness.score, summary: this.dialect.summary(top.program) } }
        : {}),
      evaluationsPerMinute: perMinute,
      cache: this.#cache.stats(),
      etaSeconds: perMinute > 0 ? ((this.state.config.budget - done) / perMinute) * 60 : NaN,
    });
  }
}

const firstLine = (text: string) => text.split('\n')[0] ?? '';

/** The first statement of a program (the line after `def ...:`), for one-line displays. */
export function firstStatement(program: string): string {
  return (program.split('\n')[1] ?? program).trim();
}
