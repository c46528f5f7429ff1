// Real parts for the distributed-search tests: a redis-server on a free loopback port, `symevo worker`
// processes and coordinators from the built CLI, and readers of their logs and run directories.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';

export const SPACE = 'tests/fixtures/spaces/tiny.json';

/** redis-server's path, or undefined when it is not installed. */
export function redisServerPath(): string | undefined {
  for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (existsSync(candidate)) return candidate;
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() !== '' ? found.stdout.trim() : undefined;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `ready()` holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, ready: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      answer += data.toString();
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
  });
}

export interface RedisServer {
  readonly url: string;
  /** Kills the server (its data is gone: it keeps nothing on disk). */
  stop(): Promise<void>;
  /** Starts an empty server on the same port. */
  start(): Promise<void>;
}

export async function startRedis(path: string): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn(path, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      const deadline = Date.now() + 10_000;
      while (!(await pings(port))) {
        if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
        await sleep(50);
      }
    },
    async stop() {
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
  await server.start();
  return server;
}

/** A child process of the built CLI, with its output kept. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<number | null>;
  output(): string;
  stdout(): string;
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, ['bin/symevo.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, pid: child.pid!, exited, output: () => err, stdout: () => out };
}

export interface WorkerProcess extends CliProcess {
  /** host:pid, as the journal names it. */
  readonly name: string;
  /** Job ids this worker finished, in order (a job done twice appears twice). */
  done(): string[];
  /** Candidate ids of each job this worker took, by job id. */
  took(): Map<string, number[]>;
}

/** Starts `symevo worker` on the cpu backend with one thread and waits until it serves the queue. */
export async function startWorker(url: string, env: NodeJS.ProcessEnv = {}, lockSeconds = 3): Promise<WorkerProcess> {
  const cli = startCli(['worker', '--queue', url, '--backend', 'cpu', '--concurrency', '1', '--lock-timeout', String(lockSeconds)], env);
  await waitFor('a worker to serve the queue', () => /serving redis:/.test(cli.output()) || cli.child.exitCode !== null, 30_000);
  const name = /worker (\S+) serving/.exec(cli.output())?.[1];
  if (name === undefined) throw new Error(`the worker did not start:\n${cli.output()}`);
  return {
    ...cli,
    name,
    done: () => [...cli.output().matchAll(/^done (\S+) /gm)].map((m) => m[1]!),
    took: () => new Map([...cli.output().matchAll(/^took (\S+) \[([-\d,]*)\]/gm)].map((m) => [m[1]!, m[2]!.split(',').map(Number)])),
  };
}

/** The exit code of `p`; past `timeoutMs`, fails with the output of every process involved. */
export async function exitCode(p: CliProcess, all: readonly CliProcess[], timeoutMs = 200_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs / 1000} s; output:\n${all.map((q) => `--- pid ${q.pid}\n${q.output()}`).join('\n')}`)), timeoutMs);
  });
  try {
    return await Promise.race([p.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function stopAll(processes: readonly CliProcess[]): Promise<void> {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
}

/** `symevo search` on the tiny space and the cpu backend, through the queue at `url` when given. */
export function startSearch(dir: string, options: { url?: string; budget: number; seed?: number; workers?: number; extra?: string[] }): CliProcess {
  const { url, budget, seed = 0, workers = 2, extra = [] } = options;
  return startCli([
    'search', '--space', SPACE, '--out', dir, '--backend', 'cpu', '--workers', String(workers), '--budget', String(budget), '--seed', String(seed),
    ...(url === undefined ? [] : ['--queue', url]),
    ...extra,
  ]);
}

export interface Line {
  readonly id: number;
  readonly program: string;
  readonly status: string;
  readonly score?: number;
  readonly cacheHit: boolean;
  readonly evaluator?: { readonly host: string; readonly worker: string; readonly backend: string; readonly adapter: string };
}

/** Every complete line of the run's journal, duplicates included. */
export function journal(dir: string): Line[] {
  const path = join(dir, 'events.jsonl');
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.pop();
  return lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Line);
}

/** What the same-seed comparison looks at. */
export const sequence = (lines: readonly Line[]) => lines.map((l) => [l.id, l.program, l.status, l.score]);

/** The ids 0..n-1, each once, in journal order or not. */
export const idsUpTo = (n: number) => Array.from({ length: n }, (_, i) => i);
export const sortedIds = (lines: readonly Line[]) => lines.map((l) => l.id).sort((a, b) => a - b);
