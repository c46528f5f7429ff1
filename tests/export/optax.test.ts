// The optax export cannot run here (JAX is not installable): it is compiled with python3 -m
// py_compile, says in its header that it is untested here, and runs under a NumPy stand-in for
// jax and optax (jax_standin.py), which checks its names and pytree plumbing but not JAX.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON, REQUIRE_TOOLS, awkwardPrograms, casesFor, difference, exportSubject, generatedPrograms, pythonMissing, reference, runPython, seedPrograms } from './harness.js';

const missing = pythonMissing('py_compile');

describe('optax export', () => {
  it.skipIf(missing !== undefined && !REQUIRE_TOOLS)(`compiles with py_compile${missing ? ` (skipped: ${missing})` : ''}`, () => {
    if (missing) throw new Error(missing);
    const dir = mkdtempSync(join(tmpdir(), 'symevo-optax-'));
    const subjects = [...seedPrograms(), ...awkwardPrograms(), ...generatedPrograms(60, 5)];
    const files = subjects.map((s, i) => {
      const text = exportSubject(s, 'optax', i);
      expect(text).toContain('UNTESTED WITH JAX: JAX cannot be installed');
      const path = join(dir, `p${i}.py`);
      writeFileSync(path, text);
      return path;
    });
    const r = spawnSync(PYTHON, ['-m', 'py_compile', ...files], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('takes learning_rate (a float or a schedule) and the named hyperparameters', () => {
    const [lion] = seedPrograms().filter((s) => s.label === 'lion.dsl');
    const text = exportSubject(lion!, 'optax', 0);
    expect(text).toContain('def p0(learning_rate=0.0003, beta1=0.9, beta2=0.99, weight_decay=0.1):');
    expect(text).toContain('lr = learning_rate(state.count) if callable(learning_rate) else learning_rate');
    expect(text).toContain('return optax.GradientTransformation(init_fn, update_fn)');
  });

  // Float32 functions (numpy's here, JAX's for real) differ from the reference's float64-then-round
  // in the last bit, so trajectories agree to a relative 1e-4 (max(1, |w|)) on ordinary inputs only.
  const numpyMissing = pythonMissing('numpy');
  it.skipIf(numpyMissing !== undefined && !REQUIRE_TOOLS)(
    `runs under a NumPy stand-in for jax and optax, close to the interpreter${numpyMissing ? ` (skipped: ${numpyMissing})` : ''}`,
    () => {
      if (numpyMissing) throw new Error(numpyMissing);
      const close = [...seedPrograms(), ...awkwardPrograms()];
      const subjects = [...close, ...generatedPrograms(40, 9)];
      const jobs = subjects.map((s, i) => ({ source: exportSubject(s, 'optax', i), checked: s.checked, cases: casesFor(i) }));
      const results = runPython('optax', jobs);
      const failures = subjects.flatMap((s, i) =>
        jobs[i]!.cases.flatMap((c, k) => {
          const got = results[i]![k]!;
          if ('error' in got) return [`${s.label}\n${got.error}`];
          const why = i < close.length && k === 0 ? difference(reference(s.checked, c), got, 1e-4) : undefined;
          return why === undefined ? [] : [`${s.label}\ncase ${k}: ${why}`];
        }),
      );
      expect(failures).toEqual([]);
    },
  );
});
