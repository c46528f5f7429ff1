// What the coordinator and `symevo worker` processes share over Redis: the queue, the job's data and
// id, the reply, and how a redis:// URL becomes connection options.
//
// One queue serves every run on a Redis server; a job's id starts with its run's id, so a coordinator
// only ever matches jobs of its own run. The rest of the id is a digest of what decides the result
// (the candidates' ids and programs, the stages with their seeds, the backend, the attempt): a batch
// delivered twice, or dispatched again by a resumed coordinator, has the same id, and BullMQ keeps one
// job per id, so a result that finished while the coordinator was away is found by key.
import { createHash } from 'node:crypto';
import type { FunnelJob } from '../tasks/index.js';
import type { BatchReply } from './evaluator.js';
import { fromJson, toJson } from './json-values.js';

export const QUEUE_NAME = 'symevo-batches';

export interface QueueJobData {
  readonly run: string;
  /** The FunnelJob as encodeJob wrote it. */
  readonly job: string;
  /** The coordinator's limit for the batch; the worker enforces it. */
  readonly timeoutMs: number;
}

/** A job's return value: the batch's reply (with the worker that produced it) as encodeReply wrote it. */
export type QueueJobResult = string;

// BullMQ stores jobs and results as plain JSON, which would turn a NaN loss and an undefined threshold
// ("promote every finite score") into null. Both travel as the run files' JSON text instead, and the
// thresholds' nulls are read back as undefined.

export function encodeJob(job: FunnelJob): string {
  return toJson(job);
}

export function decodeJob(text: string): FunnelJob {
  const job = fromJson(text) as FunnelJob;
  return { ...job, thresholds: job.thresholds.map((t) => (t === null ? undefined : t)) };
}

export function encodeReply(reply: BatchReply): string {
  return toJson(reply);
}

/** The reply in a job's return value; undefined when it is not text written by encodeReply. */
export function decodeReply(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return fromJson(value);
  } catch {
    return undefined;
  }
}

/** How BullMQ says a job's worker died more often than allowed (maxStalledCount). */
export const STALLED_TOO_OFTEN = /stalled more than allowable limit/;

/** A run's id: a digest of what config.json fixes when the run is created (name, seed, creation time). */
export function runId(config: { readonly name: string; readonly seed: number; readonly createdAt: string }): string {
  return createHash('sha256').update(JSON.stringify([config.name, config.seed, config.createdAt])).digest('hex').slice(0, 16);
}

/**
 * `<run>.<digest>`: the same batch of the same run always gets the same id. Everything of the job counts
 * but the promotion thresholds: they follow from the scores journaled when the batch was sent, which a
 * resumed coordinator has more of, and the first dispatch's result is the one an uninterrupted run used.
 */
export function batchJobId(run: string, job: FunnelJob, attempt: number): string {
  const { thresholds: _, ...identity } = job;
  return `${run}.${createHash('sha256').update(JSON.stringify({ ...identity, attempt })).digest('hex').slice(0, 24)}`;
}

export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly db?: number;
  readonly username?: string;
  readonly password?: string;
}

/** Connection options of `redis://[user:password@]host[:port][/db]`, or why the text is not such a URL. */
export function parseRedisUrl(text: string): RedisTarget | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `'${text}' is not a URL (expected redis://HOST:PORT)`;
  }
  if (url.protocol !== 'redis:') return `'${text}' is not a redis:// URL`;
  if (url.hostname === '') return `'${text}' names no host`;
  const port = url.port === '' ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\//, '');
  const db = path === '' ? undefined : Number(path);
  if (db !== undefined && !(Number.isSafeInteger(db) && db >= 0)) return `'${text}': the database must be a number, not '${path}'`;
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    ...(db === undefined ? {} : { db }),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
  };
}
