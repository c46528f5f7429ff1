// Shows a running search: a live bar on a terminal, plain log lines otherwise.
import cliProgress from 'cli-progress';
import type { EngineMessage, EngineProgress } from '../search/index.js';

export interface SearchDisplay {
  readonly onMessage: (message: EngineMessage) => void;
  readonly stop: () => void;
}

const LOG_EVERY_MS = 10_000;

function describe(p: EngineProgress): Record<string, string> {
  const best = p.best === undefined ? 'none yet' : `stage ${p.best.stage} ${p.best.score.toPrecision(5)} #${p.best.id}: ${p.best.summary}`;
  const eta = Number.isFinite(p.etaSeconds) ? formatDuration(p.etaSeconds) : '?';
  return { best, rate: p.evaluationsPerMinute.toFixed(1), hits: (100 * p.cache.hitRate).toFixed(0), eta };
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

export function searchDisplay(stream: NodeJS.WriteStream = process.stderr): SearchDisplay {
  const log = (text: string) => stream.write(`${text}\n`);
  if (!stream.isTTY) {
    let lastLog = 0;
    return {
      onMessage(m) {
        if (m.type === 'message' || m.type === 'error') log(m.type === 'error' ? `error: ${m.text}` : m.text);
        if (m.type !== 'progress') return;
        const p = m.progress;
        if (Date.now() - lastLog < LOG_EVERY_MS && p.evaluations < p.budget) return;
        lastLog = Date.now();
        const d = describe(p);
        log(`[${p.evaluations}/${p.budget}] best ${d.best} | ${d.rate} evals/min | cache hits ${d.hits}% | eta ${d.eta}`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: '{bar} {value}/{total} | {rate}/min | cache {hits}% | ETA {eta} | best {best}', hideCursor: true, linewrap: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onMessage(m) {
      if (m.type === 'message' || m.type === 'error') {
        if (started) bar.stop();
        log(m.type === 'error' ? `error: ${m.text}` : m.text);
        started = false;
        return;
      }
      if (m.type !== 'progress') return;
      const p = m.progress;
      if (!started) {
        bar.start(p.budget, p.evaluations, describe(p));
        started = true;
      }
      bar.setTotal(p.budget);
      bar.update(p.evaluations, describe(p));
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
