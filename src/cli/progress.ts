// A progress bar on a terminal's stderr; silent when stderr is not a terminal, so pipes get results only.
import cliProgress from 'cli-progress';

export interface StepProgress {
  readonly update: (step: number, total: number) => void;
  readonly stop: () => void;
}

export function stepProgress(label: string, stream: NodeJS.WriteStream = process.stderr): StepProgress {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream, format: `${label} [{bar}] {value}/{total} steps | {eta_formatted} left`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(step, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(step);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
