// `symevo inspect runs/NAME [--top N] [--id ID] [--json]`: a run's totals and leaderboard, or one
// program's detail and lineage. Reads the run as it stands; never takes its lock.
import {
  evaluatorCounts, formatDetail, formatLeaderboard, leaderboard, programDetail, readRun, runTotals, type RunRead,
} from '../../report/index.js';
import { UsageError } from '../exit.js';

export interface InspectRunOptions {
  readonly top: number;
  readonly id?: number;
  readonly json?: boolean;
}

export function loadRun(dir: string): RunRead {
  const read = readRun(dir);
  if (!read.ok) throw new UsageError(read.reason);
  return read.run;
}

export function inspectRun(dir: string, options: InspectRunOptions): void {
  const run = loadRun(dir);
  if (options.id !== undefined) {
    const detail = programDetail(run, options.id);
    if (detail === undefined) throw new UsageError(`${dir}: no evaluation with id ${options.id} in the journal (${run.entries.length} evaluations)`);
    write(options.json ? json({ run: runSummary(run), program: detail }) : formatDetail(run, detail));
    return;
  }
  const totals = runTotals(run);
  const rows = leaderboard(run, options.top);
  write(options.json ? json({ run: runSummary(run), totals, trainedBy: evaluatorCounts(run), leaderboard: rows }) : formatLeaderboard(run, totals, rows));
}

function runSummary(run: RunRead) {
  return {
    dir: run.dir,
    name: run.config.name,
    space: run.space,
    seed: run.config.seed,
    backend: run.config.backend,
    createdAt: run.config.createdAt,
    running: run.runningPid !== undefined,
    notes: run.notes,
  };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const write = (text: string) => process.stdout.write(text);
