// Real run directories for the report tests: a small search through the built CLI on the cpu backend.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { symevo } from '../cli/run-cli.js';

/** Four seed copies, then mutants of a tournament of two; two funnel stages of 20 and 40 steps. */
export const TINY_SPACE = 'tests/fixtures/spaces/tiny.json';

const searchArgs = (dir: string, budget: number, seed: number) =>
  ['search', '--space', TINY_SPACE, '--out', dir, '--backend', 'cpu', '--workers', '1', '--budget', String(budget), '--seed', String(seed)];

/** A block space: a width-16 one-layer charlm at equal FLOPs, seeded with dsl/blocks/transformer.dsl, 11 evaluations. */
export const TINY_BLOCKS_SPACE = 'tests/fixtures/spaces/tiny-blocks.json';

/** Runs a whole block search (about ten seconds) with the space's own budget and returns its directory. */
export function searchBlockRun(dir: string): string {
  const r = symevo(['search', '--space', TINY_BLOCKS_SPACE, '--out', dir, '--backend', 'cpu', '--workers', '1']);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

/** Runs a whole search (a few seconds) and returns its directory. */
export function searchRun(dir: string, budget = 30, seed = 0): string {
  const r = symevo(searchArgs(dir, budget, seed));
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

export const journalLines = (dir: string): string[] =>
  existsSync(join(dir, 'events.jsonl')) ? readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l !== '') : [];

/** Starts a search in the background and resolves once `lines` evaluations are journaled. */
export async function startSearch(dir: string, budget: number, lines: number): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['bin/symevo.js', ...searchArgs(dir, budget, 0)], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < 1200 && journalLines(dir).length < lines; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return { child, exited };
}

/** A copy of a run whose journal ends in half a line, as a kill -9 in the middle of a write leaves it. */
export function cutRunCopy(from: string, to: string): string {
  cpSync(from, to, { recursive: true });
  const lines = journalLines(to);
  const last = lines[lines.length - 1]!;
  const text = lines.slice(0, -1).map((l) => `${l}\n`).join('') + last.slice(0, Math.floor(last.length / 2));
  writeFileSync(join(to, 'events.jsonl'), text);
  return to;
}
