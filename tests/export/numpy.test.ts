// The NumPy export, run by Debian's python3 with numpy, matches the reference interpreter over
// several steps for every seed program and for generated programs (one python process for all).
import { describe, expect, it } from 'vitest';
import { REQUIRE_TOOLS, awkwardPrograms, casesFor, difference, exportSubject, generatedPrograms, pythonMissing, reference, runPython, seedPrograms } from './harness.js';

const missing = pythonMissing('numpy');

describe('numpy export', () => {
  it.skipIf(missing !== undefined && !REQUIRE_TOOLS)(`matches the interpreter${missing ? ` (skipped: ${missing})` : ''}`, () => {
    if (missing) throw new Error(missing);
    const subjects = [...seedPrograms(), ...awkwardPrograms(), ...generatedPrograms(120, 7)];
    const jobs = subjects.map((s, i) => ({ source: exportSubject(s, 'numpy', i), checked: s.checked, cases: casesFor(i) }));
    const results = runPython('numpy', jobs);
    const failures = subjects.flatMap((s, i) =>
      jobs[i]!.cases.flatMap((c, k) => {
        const got = results[i]![k]!;
        const why = 'error' in got ? got.error : difference(reference(s.checked, c), got);
        return why === undefined ? [] : [`${s.label}\ncase ${k}: ${why}`];
      }),
    );
    expect(failures).toEqual([]);
  });
});
