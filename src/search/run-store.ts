// A run directory, runs/<name>/: config.json (written once), events.jsonl (the journal),
// checkpoint.json (the evolution state, replaced atomically) and best/ (the top programs as .dsl).
//
// Order of writes that keeps a run recoverable after a crash at any point: append the journal lines
// of the results told, then write the checkpoint. Write a checkpoint after each ask too, so that
// every candidate in flight is pending in it and is dispatched again on resume.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, syncDirectory } from './atomic-file.js';
import { adopt, tell, wasTold, type EvolutionState } from './evolution.js';
import { describeFitness } from './fitness.js';
import type { HallOfFameEntry } from './hall-of-fame.js';
import { entryCandidate, entryFitness, readJournal, type JournalRead } from './journal.js';
import { fromJson, toJson } from './json-values.js';
import type { SearchSpace } from './space-types.js';
import { scaleLearningRateText } from './lr-factors.js';

export const CONFIG_FILE = 'config.json';
export const CHECKPOINT_FILE = 'checkpoint.json';
export const BEST_DIR = 'best';

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export interface RunConfig {
  readonly name: string;
  /** The resolved search space (spaceRecord), so a run can be resumed after the space file changed. */
  readonly space: unknown;
  readonly seed: number;
  readonly workers: number;
  readonly backend: string;
  /** Versions that affect results: symevo, node, webgpu, ... */
  readonly versions: Readonly<Record<string, string>>;
  /** ISO 8601. */
  readonly createdAt: string;
  /** Where each funnel stage trains, as the baseline measurement found: `cpu (why)` or `webgpu (adapter)`. */
  readonly trainedOn?: readonly string[];
}

/** A search space as plain JSON: seed programs as file and source text, without their ASTs. */
export function spaceRecord(space: SearchSpace): unknown {
  const program = ({ file, source }: { file: string; source: string }) => ({ file, source });
  return { ...space, seeds: space.seeds.map(program), baseline: program(space.baseline) };
}

/** Creates the run directory and writes config.json; refuses a directory that already holds a run. */
export function createRun(dir: string, config: RunConfig): Result<string> {
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, CONFIG_FILE), toJson(config, 2) + '\n', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { ok: false, reason: `${dir} already holds a run (resume it instead)` };
    throw error;
  }
  syncDirectory(dir);
  return { ok: true, value: dir };
}

/** Records where the stages train (the backend `auto` resolved to) in config.json, atomically. */
export function recordTrainedOn(dir: string, trainedOn: readonly string[]): void {
  const config = readConfig(dir);
  if (!config.ok) return;
  writeFileAtomic(join(dir, CONFIG_FILE), toJson({ ...config.value, trainedOn }, 2) + '\n');
}

export function readConfig(dir: string): Result<RunConfig> {
  const read = readJsonFile(join(dir, CONFIG_FILE));
  if (!read.ok) return read;
  const c = read.value as Partial<RunConfig> | null;
  if (typeof c !== 'object' || c === null || typeof c.name !== 'string' || typeof c.seed !== 'number') {
    return { ok: false, reason: `${join(dir, CONFIG_FILE)} is not a run configuration` };
  }
  return { ok: true, value: c as RunConfig };
}

export function writeCheckpoint(dir: string, state: EvolutionState): void {
  writeFileAtomic(join(dir, CHECKPOINT_FILE), toJson(state) + '\n');
}

/** The checkpointed state; `value` undefined when none has been written yet. */
export function readCheckpoint(dir: string): Result<EvolutionState | undefined> {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) return { ok: true, value: undefined };
  const read = readJsonFile(path);
  if (!read.ok) return read;
  const s = read.value as Partial<EvolutionState> | null;
  const valid = typeof s === 'object' && s !== null && s.version === 1 && typeof s.config === 'object' && Array.isArray(s.population) && Array.isArray(s.pending);
  return valid ? { ok: true, value: s as EvolutionState } : { ok: false, reason: `${path} is not a version 1 evolution checkpoint` };
}

/**
 * Rewrites best/ to hold `best` as `<rank>-id<id>.dsl`, each headed by a comment with id, fitness
 * and fingerprint, and removes files of programs that left the ranking.
 */
export function writeBest(dir: string, best: readonly HallOfFameEntry[], metricName = 'score'): void {
  const bestDir = join(dir, BEST_DIR);
  mkdirSync(bestDir, { recursive: true });
  const width = Math.max(2, String(best.length).length);
  const files = new Set<string>();
  best.forEach((entry, i) => {
    const rank = i + 1;
    const name = `${String(rank).padStart(width, '0')}-id${entry.id}.dsl`;
    const header = `# rank ${rank} | id ${entry.id} | ${describeFitness(entry.fitness, metricName)} | fingerprint ${entry.fingerprint}`;
    // A program scored at a multiple of its learning rate is written with that multiple folded in.
    const factor = entry.fitness.status === 'ok' ? entry.fitness.lrFactor : undefined;
    const folded = factor === undefined || factor === 1 ? '' : `# trained at ${factor} × the learning rate of id ${entry.id}, folded into its lr constant\n`;
    const program = folded === '' ? entry.program : scaleLearningRateText(entry.program, factor!);
    writeFileAtomic(join(bestDir, name), `${header}\n${folded}${program}`);
    files.add(name);
  });
  for (const name of readdirSync(bestDir)) {
    if (name.endsWith('.dsl') && !files.has(name)) rmSync(join(bestDir, name));
  }
}

export interface Recovery {
  readonly state: EvolutionState;
  /** Whether the state came from checkpoint.json (else from `fresh`). */
  readonly fromCheckpoint: boolean;
  /** Journal entries newer than the checkpoint, told again (not evaluated again). */
  readonly replayed: number;
  /** Of those, candidates the checkpoint had not yet issued (asked after it was written). */
  readonly adopted: number;
  readonly journal: JournalRead;
}

/**
 * The state to continue a run from: the checkpoint (or `fresh()` when there is none) with every
 * journal entry it does not account for told again, in journal order. Candidates still pending
 * afterwards were in flight when the run stopped; the caller dispatches them again.
 */
export function recover(dir: string, fresh: () => EvolutionState): Result<Recovery> {
  const checkpoint = readCheckpoint(dir);
  if (!checkpoint.ok) return checkpoint;
  const journal = readJournal(dir);
  let state = checkpoint.value ?? fresh();
  const newer = journal.entries.filter((e) => !wasTold(state, e.id));
  const nextIdBefore = state.nextId;
  state = adopt(state, newer.map(entryCandidate));
  state = tell(state, newer.map((e) => ({ id: e.id, fitness: entryFitness(e), fingerprint: e.fingerprint })));
  const adopted = newer.filter((e) => e.id >= nextIdBefore).length;
  return { ok: true, value: { state, fromCheckpoint: checkpoint.value !== undefined, replayed: newer.length, adopted, journal } };
}

function readJsonFile(path: string): Result<unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, reason: `cannot read ${path}: ${(error as Error).message}` };
  }
  try {
    return { ok: true, value: fromJson(text) };
  } catch (error) {
    return { ok: false, reason: `${path} is not valid JSON: ${(error as Error).message}` };
  }
}
