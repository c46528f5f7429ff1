// A program's relation to each optimizer of dsl/optimizers/: equivalent, the same up to constants, or
// different, and the closest of them by behaviour on the fingerprint's probe.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DslError, fingerprintOfUpdates, parseOptimizer, probeUpdates, shapeKey, type CheckedOptimizer, type Relation } from '../dsl/index.js';

/** dsl/optimizers/ of the package, from src/report or dist/report alike. */
export const KNOWN_OPTIMIZERS_DIR = fileURLToPath(new URL('../../dsl/optimizers/', import.meta.url));

interface Known {
  readonly name: string;
  readonly fingerprint: string;
  readonly shapeKey: string;
  readonly updates: readonly Float32Array[];
}

export interface KnownRelation {
  readonly name: string;
  readonly relation: Relation;
  /** Mean over the probe's steps of the cosine between the two programs' updates (1 = same direction). */
  readonly similarity: number;
}

export interface Kinship {
  /** Against every known optimizer, in file-name order. */
  readonly relations: readonly KnownRelation[];
  /** The nearest: an equivalent one, else one the same up to constants, else the most similar. */
  readonly closest: KnownRelation;
}

let known: readonly Known[] | undefined;

function knownOptimizers(): readonly Known[] {
  if (known) return known;
  known = readdirSync(KNOWN_OPTIMIZERS_DIR)
    .filter((f) => f.endsWith('.dsl'))
    .sort()
    .flatMap((file) => {
      let checked: CheckedOptimizer;
      try {
        checked = parseOptimizer(readFileSync(join(KNOWN_OPTIMIZERS_DIR, file), 'utf8'), file);
      } catch (error) {
        if (error instanceof DslError) return []; // not an optimizer this checker accepts: nothing to compare with
        throw error;
      }
      const updates = probeUpdates(checked);
      return [{ name: file.replace(/\.dsl$/, ''), fingerprint: fingerprintOfUpdates(updates), shapeKey: shapeKey(checked), updates }];
    });
  return known;
}

const RANK: Record<Relation, number> = { equivalent: 0, 'same-up-to-constants': 1, different: 2 };

export function kinship(checked: CheckedOptimizer): Kinship {
  const updates = probeUpdates(checked);
  const print = fingerprintOfUpdates(updates);
  const shape = shapeKey(checked);
  const relations = knownOptimizers().map((k): KnownRelation => ({
    name: k.name,
    relation: k.fingerprint === print ? 'equivalent' : k.shapeKey === shape ? 'same-up-to-constants' : 'different',
    similarity: similarity(updates, k.updates),
  }));
  const closest = [...relations].sort((a, b) => RANK[a.relation] - RANK[b.relation] || b.similarity - a.similarity)[0]!;
  return { relations, closest };
}

/** "equivalent to lion", "lion up to constants", "different (closest adamw, cos 0.93)". */
export function describeKinship(k: Kinship): string {
  const { name, relation, similarity: s } = k.closest;
  if (relation === 'equivalent') return `equivalent to ${name}`;
  if (relation === 'same-up-to-constants') return `${name} up to constants`;
  return `different (closest ${name}, cos ${s.toFixed(3)})`;
}

/** Mean cosine of the per-step update vectors, over finite coordinates; 0 where either is all zero. */
function similarity(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let total = 0;
  a.forEach((u, t) => {
    const v = b[t]!;
    let dot = 0, uu = 0, vv = 0;
    for (let i = 0; i < u.length; i++) {
      const x = u[i]!, y = v[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      dot += x * y;
      uu += x * x;
      vv += y * y;
    }
    total += uu > 0 && vv > 0 ? dot / Math.sqrt(uu * vv) : 0;
  });
  return a.length === 0 ? 0 : total / a.length;
}
