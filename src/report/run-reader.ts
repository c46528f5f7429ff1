// Reads a run directory as it stands on disk, without taking its lock: a run still being written, or
// one cut off by kill -9, is read up to its last complete journal line.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHECKPOINT_FILE, CONFIG_FILE, fromJson, lockHolder, readBaseline, readCheckpoint, readJournal,
  type BaselineRecord, type DialectName, type EvolutionState, type JournalEntry, type RunConfig,
} from '../search/index.js';

export interface FunnelStage {
  readonly task: string;
  readonly steps: number;
  /** "flops" for a stage at equal compute: `steps` are the baseline's, a costlier program trains fewer. */
  readonly compute?: string;
}

/** What the report needs from the run's resolved search space. */
export interface RunSpace {
  readonly name: string;
  /** What the run evolves: optimizers, or Transformer blocks. */
  readonly dialect: DialectName;
  readonly funnel: readonly FunnelStage[];
  readonly metric: { readonly name: string; readonly lowerIsBetter: boolean };
  readonly population: number;
  readonly budget: number;
}

export interface RunRead {
  readonly dir: string;
  readonly config: RunConfig;
  readonly space: RunSpace;
  /** Journal entries in file order, each id once. */
  readonly entries: readonly JournalEntry[];
  /** The checkpoint, when one was written and could be read. */
  readonly checkpoint?: EvolutionState;
  readonly baseline?: BaselineRecord;
  /** Pid of an engine that holds the run now (the run is still going). */
  readonly runningPid?: number;
  /** Things skipped while reading: a partial last line, bad lines, an unreadable checkpoint. */
  readonly notes: readonly string[];
}

export type RunReadResult = { readonly ok: true; readonly run: RunRead } | { readonly ok: false; readonly reason: string };

/** Whether `path` looks like a run directory (a directory holding config.json). */
export function isRunDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(join(path, CONFIG_FILE));
  } catch {
    return false;
  }
}

export function readRun(dir: string): RunReadResult {
  if (!isRunDirectory(dir)) return { ok: false, reason: `${dir} is not a run directory (no ${CONFIG_FILE})` };
  const config = readConfigFile(dir);
  if (typeof config === 'string') return { ok: false, reason: config };
  const space = runSpace(config);
  if (typeof space === 'string') return { ok: false, reason: `${join(dir, CONFIG_FILE)}: ${space}` };
  const journal = readJournal(dir);
  const notes: string[] = [];
  if (journal.partialLine !== undefined) notes.push(`ignored a partial last line of events.jsonl (${journal.partialLine.length} bytes)`);
  notes.push(...journal.badLines.map((line) => `events.jsonl ${line}: skipped`));
  const checkpoint = readCheckpointQuietly(dir, notes);
  const baseline = readBaselineQuietly(dir, notes);
  const runningPid = lockHolder(dir);
  return {
    ok: true,
    run: {
      dir, config, space, entries: journal.entries, notes,
      ...(checkpoint ? { checkpoint } : {}), ...(baseline ? { baseline } : {}), ...(runningPid ? { runningPid } : {}),
    },
  };
}

function readConfigFile(dir: string): RunConfig | string {
  const path = join(dir, CONFIG_FILE);
  let value: unknown;
  try {
    value = fromJson(readFileSync(path, 'utf8'));
  } catch (error) {
    return `${path} cannot be read: ${(error as Error).message}`;
  }
  const c = value as Partial<RunConfig> | null;
  if (typeof c !== 'object' || c === null || typeof c.name !== 'string' || typeof c.createdAt !== 'string') {
    return `${path} is not a run configuration`;
  }
  return c as RunConfig;
}

/** The fields of config.json's space the report reads, or what is missing. */
function runSpace(config: RunConfig): RunSpace | string {
  const s = config.space as {
    name?: unknown; dialect?: unknown; funnel?: unknown; metric?: { name?: unknown; lowerIsBetter?: unknown };
    evolution?: { population?: unknown; budget?: unknown };
  } | null;
  if (typeof s !== 'object' || s === null) return 'field "space" is missing';
  if (!Array.isArray(s.funnel) || s.funnel.length === 0) return 'field "space.funnel" is missing';
  if (typeof s.metric?.name !== 'string') return 'field "space.metric.name" is missing';
  if (s.dialect !== undefined && s.dialect !== 'optimizer' && s.dialect !== 'block') return `unknown dialect ${JSON.stringify(s.dialect)} in "space.dialect"`;
  const funnel = s.funnel.map((stage: { task?: unknown; steps?: unknown; compute?: unknown }) => ({
    task: String(stage.task ?? '?'),
    steps: Number(stage.steps ?? 0),
    ...(typeof stage.compute === 'string' && stage.compute !== 'steps' ? { compute: stage.compute } : {}),
  }));
  return {
    name: typeof s.name === 'string' ? s.name : config.name,
    // Runs from before block search have no dialect: they evolved optimizers.
    dialect: s.dialect ?? 'optimizer',
    funnel,
    metric: { name: s.metric.name, lowerIsBetter: s.metric.lowerIsBetter !== false },
    population: Number(s.evolution?.population ?? 1),
    budget: Number(s.evolution?.budget ?? 0),
  };
}

/** A checkpoint is replaced atomically, so it is whole or absent; a bad one is noted and left out. */
function readCheckpointQuietly(dir: string, notes: string[]): EvolutionState | undefined {
  const read = readCheckpoint(dir);
  if (read.ok) return read.value;
  notes.push(`${CHECKPOINT_FILE} left out: ${read.reason}`);
  return undefined;
}

function readBaselineQuietly(dir: string, notes: string[]): BaselineRecord | undefined {
  try {
    return readBaseline(dir);
  } catch (error) {
    notes.push(`baseline.json left out: ${(error as Error).message}`);
    return undefined;
  }
}
