// Learning-rate schedules: the `lr` a candidate program receives at each step.

export type ScheduleName = 'constant' | 'cosine' | 'cosine-floor';

export const SCHEDULE_NAMES: readonly ScheduleName[] = ['constant', 'cosine', 'cosine-floor'];

export interface Schedule {
  readonly schedule: ScheduleName;
  /** Peak learning rate. Programs scale it by their own constants (AdamW's seed multiplies it by 0.001). */
  readonly lr: number;
  /** Linear warm-up from lr/warmup to lr over the first `warmup` steps; 0 for none. */
  readonly warmup: number;
}

/**
 * The learning rate at 1-based `step` of `steps`: warm-up, then constant or cosine decay to 0. The
 * charlm twin's `cosine-floor` warms up over `warmup` steps (0: max(1, ⌊steps/20⌋)), reaching lr at
 * the warm-up's last step, then decays by a cosine to 0.1·lr at the last step.
 */
export function learningRate(schedule: Schedule, step: number, steps: number): number {
  if (schedule.schedule === 'cosine-floor') return cosineFloor(schedule, step, steps);
  const { lr, warmup } = schedule;
  if (step <= warmup) return (lr * step) / warmup;
  if (schedule.schedule === 'constant') return lr;
  const progress = (step - 1 - warmup) / Math.max(1, steps - warmup);
  return 0.5 * lr * (1 + Math.cos(Math.PI * progress));
}

export function isScheduleName(name: string): name is ScheduleName {
  return (SCHEDULE_NAMES as readonly string[]).includes(name);
}

function cosineFloor({ lr, warmup }: Schedule, step: number, steps: number): number {
  const warm = warmup > 0 ? warmup : Math.max(1, Math.floor(steps / 20));
  if (step <= warm) return (lr * step) / warm;
  const progress = (step - warm) / Math.max(1, steps - warm);
  return lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
