// The TypeScript export, transpiled and run in process, matches the reference interpreter bit for
// bit over several steps, for every seed program and for generated programs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOptimizer, printProgram } from '../../src/dsl/index.js';
import { arbOptimizer } from '../dsl/arbitraries.js';
import {
  arbCase,
  awkwardPrograms,
  casesFor,
  difference,
  exportSubject,
  generatedPrograms,
  importTypescript,
  reference,
  runTypescript,
  seedPrograms,
  typeErrors,
} from './harness.js';

describe('typescript export', () => {
  it.each([...seedPrograms(), ...awkwardPrograms()].map((s, i) => [s.label.split('\n')[0]!, s, i] as const))('%s matches the interpreter', async (_, subject, i) => {
    const mod = await importTypescript(exportSubject(subject, 'typescript', i));
    for (const c of casesFor(i)) {
      expect(difference(reference(subject.checked, c), runTypescript(mod, i, subject.checked, c))).toBeUndefined();
    }
  });

  it('matches the interpreter on generated programs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(arbOptimizer(), arbOptimizer({ params: ['w', 'g', 'm', 'lr', 'step'] })).map(printProgram),
        fc.boolean().chain(arbCase),
        async (program, c) => {
          const checked = parseOptimizer(program, 'generated.dsl');
          const mod = await importTypescript(exportSubject({ label: '', checked }, 'typescript', 0));
          expect(difference(reference(checked, c), runTypescript(mod, 0, checked, c))).toBeUndefined();
        },
      ),
      { numRuns: 150, seed: 20261202 },
    );
  });

  it('type-checks under strict options, noUncheckedIndexedAccess included', () => {
    const subjects = [...seedPrograms(), ...awkwardPrograms(), ...generatedPrograms(20, 3)];
    const files = new Map(subjects.map((s, i) => [`/virtual/p${i}.ts`, exportSubject(s, 'typescript', i)]));
    expect(typeErrors(files)).toEqual([]);
  });
});
