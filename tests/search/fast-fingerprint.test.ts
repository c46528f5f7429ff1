// The search's fingerprint runs the probe on the compiled cpu backend; it must equal the dsl's interpreted one.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { checkOptimizer, ErrorSink, fingerprint, parseOptimizer, randomOptimizer, Rng } from '../../src/dsl/index.js';
import { fastFingerprint } from '../../src/search/candidate-key.js';

it('equals the interpreted fingerprint on every seed program', () => {
  for (const name of readdirSync('dsl/optimizers')) {
    const checked = parseOptimizer(readFileSync(`dsl/optimizers/${name}`, 'utf8'), name);
    expect(fastFingerprint(checked), name).toBe(fingerprint(checked));
  }
});

it('equals the interpreted fingerprint on random programs', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
      const program = randomOptimizer(Rng.fromSeed(seed));
      const checked = checkOptimizer(program, new ErrorSink('random.dsl', ''));
      expect(fastFingerprint(checked)).toBe(fingerprint(checked));
    }),
    { numRuns: 300 },
  );
});
