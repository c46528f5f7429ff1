// Meta-validation: every `every` evaluations the best programs are trained on a larger task, to see
// whether search fitness still carries over (the Lion search's guard against meta-overfitting).
import type { BackendChoice } from '../tasks/index.js';
import type { EvolutionState } from './evolution.js';
import { appendMeta, readMeta, type MetaRecord } from './run-files.js';
import type { Evaluator } from './evaluator.js';
import type { SearchSpace } from './space-types.js';
import { scaleLearningRateText } from './lr-factors.js';
import { dialectJobFields } from './dialect.js';

export class MetaValidation {
  readonly #done: Set<number>;
  readonly #running: Promise<void>[] = [];

  constructor(
    readonly dir: string,
    readonly space: SearchSpace,
    readonly backend: BackendChoice,
  ) {
    this.#done = new Set(readMeta(dir).map((r) => r.evaluation));
  }

  /** Starts a measurement when the evaluation count reaches a multiple of `every` not yet measured. */
  maybeLaunch(state: EvolutionState, pool: Evaluator): void {
    const meta = this.space.metaValidation;
    if (meta === undefined || meta.every <= 0) return;
    const mark = Math.floor(state.evaluations / meta.every) * meta.every;
    if (mark === 0 || this.#done.has(mark)) return;
    this.#done.add(mark);
    const top = state.best.slice(0, meta.top).filter((b) => b.fitness.status === 'ok');
    if (top.length === 0) return;
    const baseline = this.space.baseline.text;
    // Each program at the lr factor it scored best at (as written to best/).
    const atFactor = (b: (typeof top)[number]) => (b.fitness.status === 'ok' && b.fitness.lrFactor !== undefined ? scaleLearningRateText(b.program, b.fitness.lrFactor) : b.program);
    const programs = [...top.map((b) => ({ id: b.id, text: atFactor(b) })), { id: -1, text: baseline }];
    const run = pool
      .run({ stages: [{ task: meta.task, steps: meta.steps }], thresholds: [], metric: this.space.metric.name, lowerIsBetter: this.space.metric.lowerIsBetter, programs, backend: this.backend, ...dialectJobFields(this.space) })
      .then((reply) => {
        if (!reply.ok) return;
        const records: MetaRecord[] = reply.outcomes.map((o) => {
          const entry = top.find((b) => b.id === o.id);
          const s = o.stages[0];
          return {
            evaluation: mark,
            id: o.id,
            fingerprint: entry?.fingerprint ?? 'baseline',
            searchScore: entry?.fitness.status === 'ok' ? entry.fitness.score : NaN,
            task: meta.task,
            steps: meta.steps,
            status: s?.status ?? 'failed',
            metrics: { trainLoss: s?.trainLoss ?? NaN, valLoss: s?.valLoss ?? NaN, valAccuracy: s?.valAccuracy ?? NaN },
          };
        });
        appendMeta(this.dir, records);
      });
    this.#running.push(run);
  }

  /** Waits for measurements still running. */
  async settle(): Promise<void> {
    await Promise.all(this.#running);
  }
}
