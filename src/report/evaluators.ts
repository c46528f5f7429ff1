// Who trained a run's candidates: each worker named in the journal (machine, process or thread, device)
// with how many evaluations it trained. Local runs name threads; distributed runs name worker processes.
import type { EvaluatorInfo } from '../search/index.js';
import type { RunRead } from './run-reader.js';

export interface EvaluatorCount extends EvaluatorInfo {
  readonly evaluations: number;
}

/** Workers in order of first appearance in the journal; entries without a worker (cache hits) are left out. */
export function evaluatorCounts(run: Pick<RunRead, 'entries'>): EvaluatorCount[] {
  const counts = new Map<string, { info: EvaluatorInfo; evaluations: number }>();
  for (const e of run.entries) {
    if (e.evaluator === undefined) continue;
    const key = `${e.evaluator.host}\u0000${e.evaluator.worker}`;
    const seen = counts.get(key) ?? { info: e.evaluator, evaluations: 0 };
    seen.evaluations++;
    counts.set(key, seen);
  }
  return [...counts.values()].map(({ info, evaluations }) => ({ ...info, evaluations }));
}

/** "vm:1234 (cpu)" — the host is left out when the worker's name already starts with it. */
export function describeEvaluator(e: EvaluatorInfo): string {
  const where = e.worker.startsWith(`${e.host}:`) ? e.worker : `${e.worker} on ${e.host}`;
  return `${where} (${e.backend}${e.backend === 'webgpu' ? `: ${e.adapter}` : ''})`;
}
