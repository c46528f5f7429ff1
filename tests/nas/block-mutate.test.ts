// Block mutation: every child checks and differs from its parent in behaviour; golden seeded children.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blockFingerprint, parseBlock, printProgram, Rng, type CheckedBlock } from '../../src/dsl/index.js';
import { DEFAULT_BLOCK_MUTATION, mutateBlock, type BlockMutationKind } from '../../src/nas/index.js';

const vanilla = () => parseBlock(readFileSync('dsl/blocks/transformer.dsl', 'utf8'), 'transformer.dsl');

/** The vanilla block with one line changed. */
const vanillaWith = (line: number, text: string) => {
  const lines = printProgram(vanilla().program).split('\n');
  lines[line - 1] = `    ${text}`;
  return lines.join('\n');
};

describe('block mutation', () => {
  it('gives children that check, at the model width, and behave differently, along seeded walks', () => {
    const kinds = new Set<BlockMutationKind>();
    let children = 0;
    for (let walk = 0; walk < 6; walk++) {
      const rng = Rng.fromSeed(1000 + walk);
      let parent: CheckedBlock = vanilla();
      for (let step = 0; step < 25; step++) {
        const result = mutateBlock(parent, rng);
        expect(result.ok, result.ok ? '' : result.reason).toBe(true);
        if (!result.ok) return;
        const text = printProgram(result.child.program);
        // Checked again from text alone, as a worker would receive it.
        const again = parseBlock(text, `<walk ${walk} step ${step}>`, { width: 64 });
        expect(blockFingerprint(again)).toBe(result.fingerprint);
        expect(result.fingerprint).not.toBe(blockFingerprint(parent));
        expect(text.split('\n')[result.mutation.line - 1] ?? '').not.toBe('');
        kinds.add(result.mutation.kind);
        parent = again;
        children++;
      }
    }
    expect(children).toBe(150);
    for (const kind of ['insert', 'delete', 'unwrap', 'swap-activation', 'insert-dconv', 'change-width', 'rewire'] as const) {
      expect(kinds).toContain(kind);
    }
  });

  it('respects maxStatements and gives up with a reason when nothing new can come', () => {
    const tiny = parseBlock('def block(x):\n    return x\n');
    const none = { ...DEFAULT_BLOCK_MUTATION, weights: { insert: 0, delete: 1, modify: 0 }, maxRetries: 5 };
    const result = mutateBlock(tiny, Rng.fromSeed(1), none);
    expect(result).toEqual({ ok: false, reason: 'no child that checks and behaves differently from its parent in 5 attempts', attempts: 5 });
    const full = { ...DEFAULT_BLOCK_MUTATION, maxStatements: 6, weights: { insert: 1, delete: 0, modify: 0 } };
    expect(mutateBlock(vanilla(), Rng.fromSeed(2), { ...full, maxRetries: 5 }).ok).toBe(false);
  });

  it.each([
    [1, 'insert-dconv', 2, vanillaWith(2, 'h = layer_norm(dconv(x, 15))')],
    [2, 'rewire', 7, vanillaWith(7, 'f = relu(dense(layer_norm(v), 4 * width))')],
    [3, 'unwrap', 2, vanillaWith(2, 'h = x')],
    [4, 'insert-dconv', 8, vanillaWith(8, 'return x + dconv(dense(f, width), 3)')],
    [6, 'swap-activation', 7, vanillaWith(7, 'f = sigmoid(dense(layer_norm(x), 4 * width))')],
    [8, 'swap-activation', 7, vanillaWith(7, 'f = square(dense(layer_norm(x), 4 * width))')],
  ] as const)('seed %i: %s at line %i (golden)', (seed, kind, line, expected) => {
    const result = mutateBlock(vanilla(), Rng.fromSeed(seed));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.mutation).toMatchObject({ kind, line });
    expect(printProgram(result.child.program)).toBe(expected);
  });
});
