// A charlm funnel stage in a search-space file: its size options pass the schema and reach the stage; bad ones are named.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpaceError, loadSpace } from '../../src/search/space.js';

const dir = mkdtempSync(join(tmpdir(), 'symevo-space-charlm-'));
const load = (funnel: unknown[]) => {
  const file = join(dir, `space-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ seeds: ['dsl/optimizers/adamw.dsl'], funnel }, null, 2));
  return loadSpace(file);
};
const messageOf = (funnel: unknown[]) => {
  try {
    load(funnel);
  } catch (error) {
    if (error instanceof SpaceError) return error.message;
    throw error;
  }
  throw new Error('loaded without error');
};

describe('charlm stages', () => {
  it('carries the Transformer sizes of each stage', () => {
    const space = load([
      { task: 'charlm', steps: 100, width: 32, heads: 2, context: 32, promote: { topFraction: 0.5 } },
      { task: 'charlm', steps: 300, act: 'sqrelu', dconv: true },
    ]);
    expect(space.funnel[0]).toMatchObject({ task: 'charlm', steps: 100, width: 32, heads: 2, context: 32 });
    expect(space.funnel[1]).toMatchObject({ act: 'sqrelu', dconv: true });
  });

  it('names a bad size, a size on an MLP task and an unknown activation', () => {
    expect(messageOf([{ task: 'charlm', steps: 10, width: 30 }])).toMatch(/funnel\[0\]\.width.*width 30 is not a multiple of heads 4/);
    expect(messageOf([{ task: 'mlp-teacher', steps: 10, layers: 3 }])).toMatch(/funnel\[0\]\.layers.*task "mlp-teacher" is an MLP; layers is a Transformer size/);
    expect(messageOf([{ task: 'charlm', steps: 10, act: 'gelu' }])).toMatch(/funnel\[0\]\.act.*expected one of "relu", "sqrelu", got "gelu"/);
    expect(messageOf([{ task: 'charlm', steps: 10, dconv: 'yes' }])).toMatch(/funnel\[0\]\.dconv.*expected true or false/);
  });
});
