// The optax export cannot run here (JAX is not installable), so it is compiled with python3 -m
// py_compile for every seed program and generated programs, and it says in its header that it is
// untested here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON, REQUIRE_TOOLS, awkwardPrograms, exportSubject, generatedPrograms, pythonMissing, seedPrograms } from './harness.js';

const missing = pythonMissing('py_compile');

describe('optax export', () => {
  it.skipIf(missing !== undefined && !REQUIRE_TOOLS)(`compiles with py_compile${missing ? ` (skipped: ${missing})` : ''}`, () => {
    if (missing) throw new Error(missing);
    const dir = mkdtempSync(join(tmpdir(), 'symevo-optax-'));
    const subjects = [...seedPrograms(), ...awkwardPrograms(), ...generatedPrograms(60, 5)];
    const files = subjects.map((s, i) => {
      const text = exportSubject(s, 'optax', i);
      expect(text).toContain('UNTESTED HERE: JAX cannot be installed');
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
});
