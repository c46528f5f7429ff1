// The run directory with real files: config written once, atomic checkpoints, best/ programs, and
// recovery from a checkpoint and a journal that ran ahead of it.
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parseOptimizer, printProgram, Rng } from '../../src/dsl/index.js';
import type { Candidate } from '../../src/search/candidate.js';
import { ask, initEvolution, tell, type EvolutionConfig, type EvolutionState, type MutateFn } from '../../src/search/evolution.js';
import type { FitnessResult } from '../../src/search/fitness.js';
import { JOURNAL_FILE, JournalWriter, journalEntry, readJournal } from '../../src/search/journal.js';
import {
  BEST_DIR,
  CHECKPOINT_FILE,
  createRun,
  readCheckpoint,
  readConfig,
  recover,
  writeBest,
  writeCheckpoint,
  type RunConfig,
} from '../../src/search/run-store.js';
import { ADAMW } from './fixtures.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'symevo-run-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG: EvolutionConfig = { population: 6, tournamentSize: 2, budget: 500, restartAfter: 15, lowerIsBetter: true, keepBest: 3 };
const tagMutator: MutateFn = (parent, rng) => ({ ok: true, program: `${parent}# ${rng.int(1000)}\n`, mutation: { kind: 'insert', detail: 'tag' } });
const fitnessOf = (c: Candidate): FitnessResult =>
  c.id % 11 === 5 ? { status: 'diverged', reason: 'NaN loss' } : { status: 'ok', stageReached: 0, score: ((c.id * 7919) % 97) / 97, metrics: [] };
const fresh = () => initEvolution(CONFIG, ['seed\n'], Rng.fromSeed(21));

/**
 * A run as the engine makes it: ask to keep `workers` in flight, evaluate the `batch` oldest pending,
 * append their journal lines, tell them. A checkpoint is written every `checkpointEvery` evaluations
 * and, with `checkpointAfterAsk`, after each ask. Stops after `stopAfter` evaluations;
 * `crashBeforeTell` leaves the last batch journaled but not told, as a kill between the two would.
 */
function runEngine(
  state: EvolutionState,
  options: { stopAfter: number; workers?: number; batch?: number; checkpointEvery?: number; checkpointAfterAsk?: boolean; crashBeforeTell?: boolean },
): { state: EvolutionState; asked: Candidate[] } {
  const { workers = 4, batch = 1, checkpointEvery = 0, checkpointAfterAsk = false } = options;
  const writer = JournalWriter.open(dir);
  const asked: Candidate[] = [];
  const refill = () => {
    const r = ask(state, workers - state.pending.length, tagMutator);
    state = r.state;
    asked.push(...r.candidates);
    if (checkpointAfterAsk) writeCheckpoint(dir, state);
  };
  refill();
  while (state.evaluations < options.stopAfter && state.pending.length > 0) {
    const done = state.pending.slice(0, Math.min(batch, options.stopAfter - state.evaluations));
    writer.append(done.map((c) => journalEntry(c, fitnessOf(c), { fingerprint: c.program, cacheHit: false, timings: { total: 1 }, time: 'T' })));
    const results = done.map((c) => ({ id: c.id, fitness: fitnessOf(c), fingerprint: c.program }));
    if (options.crashBeforeTell && state.evaluations + done.length >= options.stopAfter) {
      writer.close();
      return { state: tell(state, results), asked }; // what the state would have been
    }
    state = tell(state, results);
    if (checkpointEvery > 0 && state.evaluations % checkpointEvery === 0) writeCheckpoint(dir, state);
    refill();
  }
  writer.close();
  return { state, asked };
}

describe('config and checkpoint files', () => {
  const config: RunConfig = { name: 'demo', space: { name: 'lion' }, seed: 7, workers: 2, backend: 'cpu', versions: { symevo: '0.1.0' }, createdAt: 'T' };

  test('config.json is written once', () => {
    const run = join(dir, 'runs', 'demo');
    expect(createRun(run, config)).toEqual({ ok: true, value: run });
    expect(readConfig(run)).toEqual({ ok: true, value: config });
    const again = createRun(run, { ...config, seed: 8 });
    expect(again.ok).toBe(false);
    expect(readConfig(run)).toEqual({ ok: true, value: config });
  });

  test('a checkpoint round-trips, replaces the previous one and leaves no temporary file', () => {
    expect(readCheckpoint(dir)).toEqual({ ok: true, value: undefined });
    const { state } = runEngine(fresh(), { stopAfter: 20 });
    writeCheckpoint(dir, fresh());
    writeCheckpoint(dir, state);
    expect(readCheckpoint(dir)).toEqual({ ok: true, value: state });
    expect(readdirSync(dir).sort()).toEqual([CHECKPOINT_FILE, JOURNAL_FILE].sort());
  });

  test('a damaged checkpoint is reported, not thrown', () => {
    writeFileSync(join(dir, CHECKPOINT_FILE), '{"version": 1, "pop');
    expect(readCheckpoint(dir)).toMatchObject({ ok: false, reason: expect.stringMatching(/not valid JSON/) });
    writeFileSync(join(dir, CHECKPOINT_FILE), '{"version": 2}');
    expect(readCheckpoint(dir)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a version 1/) });
    expect(recover(dir, fresh).ok).toBe(false);
  });
});

describe('best/', () => {
  const program = printProgram(ADAMW.program);
  const entry = (id: number, score: number) => ({ id, program, fingerprint: `fp${id}`, fitness: { status: 'ok', stageReached: 1, score, metrics: [] } as FitnessResult });

  test('holds the ranking as .dsl files that parse, refreshed when it changes', () => {
    writeBest(dir, [entry(12, 0.1), entry(3, 0.2)], 'valLoss');
    const bestDir = join(dir, BEST_DIR);
    expect(readdirSync(bestDir).sort()).toEqual(['01-id12.dsl', '02-id3.dsl']);
    const text = readFileSync(join(bestDir, '01-id12.dsl'), 'utf8');
    expect(text.split('\n')[0]).toBe('# rank 1 | id 12 | stage 1 valLoss 0.1 | fingerprint fp12');
    expect(printProgram(parseOptimizer(text).program)).toBe(program);

    writeBest(dir, [entry(40, 0.05), entry(12, 0.1)], 'valLoss');
    expect(readdirSync(bestDir).sort()).toEqual(['01-id40.dsl', '02-id12.dsl']);
  });
});

describe('recover', () => {
  test('replays a journal that is ahead of the checkpoint into the state the run had, and continues identically', () => {
    // Checkpoints after every ask; the run is killed between journaling a batch of 3 and telling it.
    const crashed = runEngine(fresh(), { stopAfter: 30, batch: 3, checkpointAfterAsk: true, crashBeforeTell: true });
    const recovered = recover(dir, fresh);
    if (!recovered.ok) throw new Error(recovered.reason);
    expect(recovered.value).toMatchObject({ fromCheckpoint: true, replayed: 3, adopted: 0 });
    expect(recovered.value.state).toEqual(crashed.state);

    // The resumed run asks exactly what an uninterrupted run asks.
    const resumed = runEngine(recovered.value.state, { stopAfter: 60, batch: 3, checkpointAfterAsk: true });
    rmSync(join(dir, JOURNAL_FILE));
    const uninterrupted = runEngine(fresh(), { stopAfter: 60, batch: 3 });
    expect(resumed.state).toEqual(uninterrupted.state);
    const idsAfterCrash = new Set(resumed.asked.map((c) => c.id));
    expect(resumed.asked).toEqual(uninterrupted.asked.filter((c) => idsAfterCrash.has(c.id)));
  });

  test('with an old checkpoint and a torn last line, every journaled evaluation is told once and none again', () => {
    runEngine(fresh(), { stopAfter: 27, workers: 5, checkpointEvery: 10 });
    appendFileSync(join(dir, JOURNAL_FILE), '{"id": 999, "parentId": 3, "prog');
    const recovered = recover(dir, fresh);
    if (!recovered.ok) throw new Error(recovered.reason);
    const { state, replayed, adopted, journal } = recovered.value;
    expect(journal.partialLine).toBeDefined();
    expect(replayed).toBe(7); // evaluations 21..27, after the checkpoint at 20
    expect(adopted).toBeGreaterThan(0); // some were asked after that checkpoint
    expect(state.evaluations).toBe(27);
    const journaled = new Set(readJournal(dir).entries.map((e) => e.id));
    expect(journaled.size).toBe(27);
    expect(state.pending.some((c) => journaled.has(c.id))).toBe(false);
    expect(ask(state, 10, tagMutator).candidates.some((c) => journaled.has(c.id))).toBe(false);
  });

  test('without a checkpoint, the whole journal is replayed into a fresh state', () => {
    runEngine(fresh(), { stopAfter: 12 });
    const recovered = recover(dir, fresh);
    if (!recovered.ok) throw new Error(recovered.reason);
    expect(recovered.value).toMatchObject({ fromCheckpoint: false, replayed: 12, adopted: 12 });
    expect(recovered.value.state.evaluations).toBe(12);
    expect(existsSync(join(dir, CHECKPOINT_FILE))).toBe(false);
  });
});
