// The queue's ids and URLs: a batch's id is fixed by what decides its result, and redis:// URLs parse or say why not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchJobId, decodeJob, decodeReply, encodeJob, encodeReply, parseRedisUrl, runId, type BatchReply } from '../../src/search/index.js';
import type { FunnelJob } from '../../src/tasks/index.js';

const job = (over: Partial<FunnelJob> = {}): FunnelJob => ({
  stages: [{ task: 'mlp-teacher', steps: 20 }, { task: 'mlp-teacher', steps: 40, seed: 3 }],
  thresholds: [1.5],
  metric: 'valLoss',
  lowerIsBetter: true,
  programs: [{ id: 4, text: 'def train(w, g, lr):\n    return g * lr\n' }],
  backend: 'cpu',
  ...over,
});

describe('batch ids', () => {
  it('start with the run id and do not depend on the promotion thresholds', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.double({ noNaN: true }), { nil: undefined }), { maxLength: 3 }), (thresholds) => {
        expect(batchJobId('run1', job({ thresholds }), 0)).toBe(batchJobId('run1', job(), 0));
      }),
    );
    expect(batchJobId('abc', job(), 0)).toMatch(/^abc\.[0-9a-f]{24}$/);
  });

  it('differ with the run, the attempt, a candidate, a stage, its seed or the backend', () => {
    const base = batchJobId('run1', job(), 0);
    const others = [
      batchJobId('run2', job(), 0),
      batchJobId('run1', job(), 1),
      batchJobId('run1', job({ programs: [{ id: 5, text: 'def train(w, g, lr):\n    return g * lr\n' }] }), 0),
      batchJobId('run1', job({ programs: [{ id: 4, text: 'def train(w, g, lr):\n    return sign(g) * lr\n' }] }), 0),
      batchJobId('run1', job({ stages: [{ task: 'mlp-teacher', steps: 20 }] }), 0),
      batchJobId('run1', job({ stages: [{ task: 'mlp-teacher', steps: 20 }, { task: 'mlp-teacher', steps: 40, seed: 4 }] }), 0),
      batchJobId('run1', job({ backend: 'webgpu' }), 0),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });

  it('run ids follow the fields a run fixes at creation', () => {
    const config = { name: 'lion', seed: 1, createdAt: '2026-01-01T00:00:00.000Z' };
    expect(runId(config)).toBe(runId({ ...config }));
    expect(runId({ ...config, seed: 2 })).not.toBe(runId(config));
    expect(runId(config)).not.toContain(':');
  });
});

describe('jobs and replies through Redis', () => {
  // -0 left out: JSON has no negative zero, and the journal loses it the same way.
  const number = fc.oneof(fc.double().filter((x) => !Object.is(x, -0)), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY));
  it('keep undefined thresholds and non-finite numbers, which plain JSON turns into null', () => {
    fc.assert(
      fc.property(fc.array(fc.option(number, { nil: undefined }), { maxLength: 4 }), (thresholds) => {
        // JSON through BullMQ: the encoded text is what it stores.
        const stored = JSON.parse(JSON.stringify({ job: encodeJob(job({ thresholds })) })) as { job: string };
        expect(decodeJob(stored.job).thresholds).toEqual(thresholds);
      }),
    );
    fc.assert(
      fc.property(fc.array(number, { minLength: 1, maxLength: 4 }), (losses) => {
        const reply: BatchReply = {
          ok: true,
          outcomes: losses.map((valLoss, id) => ({ id, stages: [{ stage: 0, status: 'diverged', valLoss, trainLoss: valLoss, seconds: 1 }] })),
          evaluator: { host: 'h', worker: 'h:1', backend: 'cpu', adapter: 'cpu' },
        };
        const stored = JSON.parse(JSON.stringify(encodeReply(reply))) as unknown;
        expect(decodeReply(stored)).toEqual(reply);
      }),
    );
    expect(decodeReply('{not json')).toBeUndefined();
    expect(decodeReply({ ok: true })).toBeUndefined();
  });
});

describe('redis:// URLs', () => {
  it('give host, port, database and credentials', () => {
    expect(parseRedisUrl('redis://10.0.0.5:6380')).toEqual({ host: '10.0.0.5', port: 6380 });
    expect(parseRedisUrl('redis://cache.lan')).toEqual({ host: 'cache.lan', port: 6379 });
    expect(parseRedisUrl('redis://user:p%40ss@h:1/2')).toEqual({ host: 'h', port: 1, db: 2, username: 'user', password: 'p@ss' });
    expect(parseRedisUrl('redis://[::1]:7000')).toEqual({ host: '::1', port: 7000 });
  });

  it('say what is wrong with anything else', () => {
    expect(parseRedisUrl('localhost:6379')).toMatch(/not a redis:\/\/ URL|not a URL/);
    expect(parseRedisUrl('http://h:1')).toMatch(/not a redis:\/\/ URL/);
    expect(parseRedisUrl('nonsense')).toMatch(/not a URL/);
    expect(parseRedisUrl('redis://h:1/x')).toMatch(/database must be a number/);
  });
});
