// Parsers for numeric command-line options: a bad value is a UsageError naming the option's text.
import { InvalidArgumentError } from 'commander';

export function positiveInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got '${text}'`);
  return n;
}

export function nonNegativeInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got '${text}'`);
  return n;
}

export function finiteNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got '${text}'`);
  return n;
}

/** A duration in seconds, fractions allowed: greater than zero. */
export function positiveSeconds(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number of seconds, got '${text}'`);
  return n;
}

/** "128,64" → [128, 64]: layer widths, each a positive integer. */
export function widthList(text: string): number[] {
  const widths = text.split(',').map((part) => Number(part.trim()));
  if (widths.length === 0 || widths.some((w) => !Number.isSafeInteger(w) || w <= 0)) {
    throw new InvalidArgumentError(`expected comma-separated positive integers, got '${text}'`);
  }
  return widths;
}
