// A unified-style line diff between two program texts: a longest common subsequence of lines, shown
// as hunks of changed lines with a little unchanged context around them.

export interface DiffLine {
  readonly kind: ' ' | '-' | '+';
  readonly text: string;
}

/** Every line of `a` and `b`, in order, marked kept, removed or added. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  // common[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i]![j] = a[i] === b[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: ' ', text: a[i]! });
      i++;
      j++;
    } else if (j < b.length && (i === a.length || common[i]![j + 1]! >= common[i + 1]![j]!)) {
      out.push({ kind: '+', text: b[j++]! });
    } else {
      out.push({ kind: '-', text: a[i++]! });
    }
  }
  // Removals before additions within a run of changes, as unified diffs show them.
  return reorderChanges(out);
}

function reorderChanges(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  for (let k = 0; k < lines.length; ) {
    if (lines[k]!.kind === ' ') {
      out.push(lines[k++]!);
      continue;
    }
    const run: DiffLine[] = [];
    while (k < lines.length && lines[k]!.kind !== ' ') run.push(lines[k++]!);
    out.push(...run.filter((l) => l.kind === '-'), ...run.filter((l) => l.kind === '+'));
  }
  return out;
}

/** `--- from` / `+++ to` and `@@ -a,n +b,m @@` hunks with `context` unchanged lines around changes. */
export function unifiedDiff(from: string, to: string, labels: readonly [string, string], context = 2): string {
  const split = (text: string) => text.replace(/\n$/, '').split('\n');
  const lines = diffLines(split(from), split(to));
  const changed = lines.map((l, k) => (l.kind === ' ' ? -1 : k)).filter((k) => k >= 0);
  if (changed.length === 0) return '';
  const out = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  for (let start = 0; start < changed.length; ) {
    let end = start;
    while (end + 1 < changed.length && changed[end + 1]! - changed[end]! <= 2 * context + 1) end++;
    const lo = Math.max(0, changed[start]! - context);
    const hi = Math.min(lines.length - 1, changed[end]! + context);
    out.push(hunkHeader(lines, lo, hi), ...lines.slice(lo, hi + 1).map((l) => `${l.kind}${l.text}`));
    start = end + 1;
  }
  return out.join('\n') + '\n';
}

function hunkHeader(lines: readonly DiffLine[], lo: number, hi: number): string {
  const before = lines.slice(0, lo);
  const inside = lines.slice(lo, hi + 1);
  const count = (ls: readonly DiffLine[], side: '-' | '+') => ls.filter((l) => l.kind === ' ' || l.kind === side).length;
  const range = (side: '-' | '+') => {
    const n = count(inside, side);
    return `${n === 0 ? count(before, side) : count(before, side) + 1},${n}`;
  };
  return `@@ -${range('-')} +${range('+')} @@`;
}
