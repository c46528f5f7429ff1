// One entry point: a checked program and a target in, the exported file's text out.
import { assertNever, type CheckedOptimizer } from '../dsl/index.js';
import { lower } from './lower.js';
import { pascalName } from './names.js';
import { exportNumpy } from './numpy.js';
import { exportOptax } from './optax.js';
import { exportPytorch } from './pytorch.js';
import { exportTypescript } from './typescript.js';

export const TARGETS = ['pytorch', 'optax', 'numpy', 'typescript'] as const;
export type Target = (typeof TARGETS)[number];

export function isTarget(text: string): text is Target {
  return (TARGETS as readonly string[]).includes(text);
}

/** File name extension of each target's output. */
export const TARGET_EXTENSION: Readonly<Record<Target, string>> = { pytorch: 'py', optax: 'py', numpy: 'py', typescript: 'ts' };

export interface ExportOptions {
  /** Optimizer name in any casing, e.g. a file's base name ("lion-program4"). */
  readonly name: string;
}

export function exportOptimizer(checked: CheckedOptimizer, target: Target, options: ExportOptions): string {
  const name = pascalName(options.name);
  const l = lower(checked);
  switch (target) {
    case 'numpy':
      return exportNumpy(l, name);
    case 'typescript':
      return exportTypescript(l, name);
    case 'pytorch':
      return exportPytorch(l, name);
    case 'optax':
      return exportOptax(l, name);
    default:
      return assertNever(target);
  }
}
