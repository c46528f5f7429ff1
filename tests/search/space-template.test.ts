// The starting space `symevo space init` writes: it loads, and its seed is the AdamW seed program.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { compareOptimizers, parseOptimizer } from '../../src/dsl/index.js';
import { loadSpace } from '../../src/search/space.js';
import { isSpaceName, seedFileName, seedTemplate, spaceTemplate } from '../../src/search/space-template.js';

it('writes a space that loads, seeded with AdamW (Program 3)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'symevo-template-'));
  writeFileSync(join(dir, 'trial.json'), spaceTemplate('trial'));
  writeFileSync(join(dir, seedFileName('trial')), seedTemplate('trial'));
  const space = loadSpace(join(dir, 'trial.json'));
  expect(space.name).toBe('trial');
  expect(space.seeds[0]!.file).toBe(join(dir, 'trial-seed.dsl'));
  const adamw = parseOptimizer(readFileSync('dsl/optimizers/adamw.dsl', 'utf8'), 'adamw.dsl');
  expect(compareOptimizers(parseOptimizer(space.seeds[0]!.text, 'seed.dsl'), adamw)).toBe('equivalent');
  expect(space.funnel.at(-1)!.promote).toBeUndefined();
});

it('keeps every line of the space file within 100 columns except comments', () => {
  const long = spaceTemplate('trial').split('\n').filter((l) => l.length > 100 && !l.includes('$comment') && !/^\s+"/.test(l));
  expect(long).toEqual([]);
});

it('accepts plain file names only', () => {
  expect(['lion', 'my_space-2', 'v1.2'].every(isSpaceName)).toBe(true);
  expect(['', '../x', 'a/b', 'a b', '-x', 'x.json'].some(isSpaceName)).toBe(false);
});
