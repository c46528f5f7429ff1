// The CLI on block programs: check (the dialect told by the def, or --dialect), inspect and eval.
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

describe('symevo inspect on blocks', () => {
  it('classifies primer.dsl as Primer-like and transformer.dsl as neither', () => {
    const primer = symevo(['inspect', 'dsl/blocks/primer.dsl', '--classify']);
    expect(primer.code, primer.stderr).toBe(0);
    expect(primer.stdout).toContain('classification: primer-like');
    expect(primer.stdout).toContain('pass  squared ReLU');
    expect(primer.stdout).toContain('q offsets 0,1,2; k offsets 0,1,2; v offsets 0,1,2');
    const vanilla = JSON.parse(symevo(['inspect', 'dsl/blocks/transformer.dsl', '--classify', '--json']).stdout);
    expect(vanilla).toMatchObject({ dialect: 'block', statements: { before: 6, after: 3 }, classification: { verdict: 'not primer-like', squaredRelu: false, dconv3: false } });
    expect(vanilla.cost.parameters).toBe(12 * 64 * 64 + 13 * 64);
  });

  it('compares two blocks, and reports a bad block with file:line:col, exit 2', () => {
    const same = join(dir, 'renamed.dsl');
    writeFileSync(same, 'def block(inp):\n    n = layer_norm(inp)\n    a = dense(attention(dense(n, width), dense(n, width), dense(n, width), heads=4), width) + inp\n    return a + dense(relu(dense(layer_norm(a), 4 * width)), width)\n');
    const r = symevo(['inspect', same, '--compare', 'dsl/blocks/transformer.dsl', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).relation).toBe('equivalent');
    const bad = join(dir, 'bad-inspect.dsl');
    writeFileSync(bad, 'def block(x):\n    return dconv(x, 40)\n');
    const e = symevo(['inspect', bad]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain(`${bad}:2:21: dconv() taps must be a whole number from 1 to 31`);
    expect(e.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('symevo eval on blocks', () => {
  it('trains the charlm model with each block and prints bits/char, parameters, FLOPs and time', () => {
    const r = symevo(['eval', 'dsl/blocks/transformer.dsl', 'dsl/blocks/primer.dsl', '--task', 'charlm', '--steps', '2', '--context', '16', '--layers', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { file: string; bitsPerChar: number; firstLoss: number; blockParameters: number; flopsPerToken: number; seconds: number; backend: string }[];
    expect(rows.map((x) => x.file)).toEqual(['dsl/blocks/transformer.dsl', 'dsl/blocks/primer.dsl']);
    for (const row of rows) {
      // 83 characters: an untrained model's loss is near ln 83 = 4.42 nats.
      expect(row.firstLoss).toBeGreaterThan(4);
      expect(row.firstLoss).toBeLessThan(5);
      expect(row.bitsPerChar).toBeGreaterThan(4);
      expect(row.seconds).toBeGreaterThan(0);
      expect(row.backend).toBe('cpu');
    }
    expect(rows[1]!.blockParameters - rows[0]!.blockParameters).toBe(3 * 3 * 64);
    expect(rows[1]!.flopsPerToken).toBeGreaterThan(rows[0]!.flopsPerToken);
  }, 300_000);

  it('refuses blocks on an MLP task, blocks mixed with optimizers, and --act on a block, exit 2', () => {
    const cases = [
      [['dsl/blocks/primer.dsl'], "blocks train on the charlm task (--task charlm), not 'mlp-mnist'"],
      [['dsl/blocks/primer.dsl', 'dsl/optimizers/adamw.dsl', '--task', 'charlm'], 'eval takes optimizer programs or block programs, not both at once'],
      [['dsl/blocks/primer.dsl', '--task', 'charlm', '--act', 'sqrelu'], '--act and --dconv set the built-in block'],
    ] as const;
    for (const [args, message] of cases) {
      const r = symevo(['eval', ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
