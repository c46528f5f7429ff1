// `symevo check` on block programs: the dialect is told by the def, or forced with --dialect.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { symevo } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'symevo-blocks-'));

describe('symevo check on blocks', () => {
  it('accepts the hand-written blocks beside an optimizer', () => {
    const r = symevo(['check', 'dsl/blocks/transformer.dsl', 'dsl/blocks/primer.dsl', 'dsl/optimizers/adamw.dsl']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('dsl/blocks/primer.dsl: ok (block, 6 statements)');
    expect(r.stdout).toContain('dsl/optimizers/adamw.dsl: ok (9 statements)');
  });

  it('reports a width mismatch with file:line:col and a caret, exit 2', () => {
    const bad = join(dir, 'bad.dsl');
    writeFileSync(bad, 'def block(x):\n    return x + dense(x, 2 * width)\n');
    const r = symevo(['check', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:2:14: \`+\` of activations of different widths: width and 2 * width`);
    expect(r.stderr).toContain('        return x + dense(x, 2 * width)\n                 ^');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('checks a file as the dialect --dialect names, and names the dialect in --json', () => {
    const r = symevo(['check', '--dialect', 'optimizer', '--json', 'dsl/blocks/transformer.dsl']);
    expect(r.code).toBe(2);
    const [result] = JSON.parse(r.stdout) as { ok: boolean; error: { message: string } }[];
    expect(result!.error.message).toContain("an optimizer takes 'w' as a parameter");
    const ok = JSON.parse(symevo(['check', '--json', 'dsl/blocks/primer.dsl']).stdout) as { dialect: string }[];
    expect(ok[0]!.dialect).toBe('block');
    expect(symevo(['check', '--dialect', 'mlp', 'dsl/blocks/primer.dsl']).code).toBe(2);
  });
});
