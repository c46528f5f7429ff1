// The line diff behind lineage: laws on random texts, and the unified form on a mutation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffLines, unifiedDiff } from '../../src/report/index.js';

/** Longest common subsequence length, by the textbook recurrence (the reference). */
function lcs(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const row = [0];
    b.forEach((y, j) => row.push(x === y ? prev[j]! + 1 : Math.max(prev[j + 1]!, row[j]!)));
    prev = row;
  }
  return prev[b.length]!;
}

const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 14 });

describe('diffLines', () => {
  it('keeps and removes lines to give the old text, keeps and adds them to give the new', () => {
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const d = diffLines(a, b);
        expect(d.filter((l) => l.kind !== '+').map((l) => l.text)).toEqual(a);
        expect(d.filter((l) => l.kind !== '-').map((l) => l.text)).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps as many lines as the longest common subsequence (no needless changes)', () => {
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        expect(diffLines(a, b).filter((l) => l.kind === ' ').length).toBe(lcs(a, b));
      }),
      { numRuns: 500 },
    );
  });
});

describe('unifiedDiff', () => {
  const parent = 'def train(w, g, m, lr):\n    m = interp(g, m, 0.9)\n    u = sign(m)\n    wd = w * 0.01\n    u = u + wd\n    u = u * lr\n    return u, m\n';

  it('shows a changed constant as one removed and one added line with two lines of context', () => {
    const child = parent.replace('w * 0.01', 'w * 0.02');
    expect(unifiedDiff(parent, child, ['#3', '#7'])).toBe(
      ['--- #3', '+++ #7', '@@ -2,5 +2,5 @@', '     m = interp(g, m, 0.9)', '     u = sign(m)', '-    wd = w * 0.01', '+    wd = w * 0.02', '     u = u + wd', '     u = u * lr', ''].join('\n'),
    );
  });

  it('is empty for identical texts and gives the new line number of an insertion', () => {
    expect(unifiedDiff(parent, parent, ['a', 'b'])).toBe('');
    const child = parent.replace('    u = sign(m)\n', '    u = sign(m)\n    m = m + g\n');
    expect(unifiedDiff(parent, child, ['a', 'b'])).toContain('@@ -2,4 +2,5 @@\n     m = interp(g, m, 0.9)\n     u = sign(m)\n+    m = m + g\n');
  });
});
