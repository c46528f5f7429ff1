// Learning-rate schedules: the `lr` a candidate program receives at each step.

export type ScheduleName = 'constant' | 'cosine';

export const SCHEDULE_NAMES: readonly ScheduleName[] = ['constant', 'cosine'];

export interface Schedule {
  readonly schedule: ScheduleName;
  /** Peak learning rate. Programs scale it by their own constants (AdamW's seed multiplies it by 0.001). */
  readonly lr: number;
  /** Linear warm-up from lr/warmup to lr over the first `warmup` steps; 0 for none. */
  readonly warmup: number;
}

/** The learning rate at 1-based `step` of `steps`: warm-up, then constant or cosine decay to 0. */
export function learningRate(schedule: Schedule, step: number, steps: number): number {
  const { lr, warmup } = schedule;
  if (step <= warmup) return (lr * step) / warmup;
  if (schedule.schedule === 'constant') return lr;
  const progress = (step - 1 - warmup) / Math.max(1, steps - warmup);
  return 0.5 * lr * (1 + Math.cos(Math.PI * progress));
}

export function isScheduleName(name: string): name is ScheduleName {
  return (SCHEDULE_NAMES as readonly string[]).includes(name);
}
