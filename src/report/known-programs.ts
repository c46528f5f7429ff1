// A program's relation to the known programs of its dialect (a folder of .dsl files): equivalent, the
// same up to constants, or different, and the closest of them by behaviour on the fingerprint's probe.
// What a program's behaviour is (an optimizer's updates, a block's outputs) is the dialect's to say.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DslError, fingerprintOfUpdates, type Relation } from '../dsl/index.js';

/** What a program does on its dialect's fixed probe, and its constant-free shape. */
export interface Behaviour {
  readonly fingerprint: string;
  readonly shapeKey: string;
  /** One vector per probe step (an optimizer's updates; a block's output less its input). */
  readonly outputs: readonly Float32Array[];
}

interface Known extends Behaviour {
  readonly name: string;
}

export interface KnownRelation {
  readonly name: string;
  readonly relation: Relation;
  /** Mean over the probe's steps of the cosine between the two programs' outputs (1 = same direction). */
  readonly similarity: number;
}

export interface Kinship {
  /** Against every known program, in file-name order. */
  readonly relations: readonly KnownRelation[];
  /** The nearest: an equivalent one, else one the same up to constants, else the most similar. */
  readonly closest: KnownRelation;
}

const knownByDir = new Map<string, readonly Known[]>();

/** The programs of `dir` that `behaviour` accepts (a file it throws a DslError on is left out), by file name. */
export function knownPrograms(dir: string, behaviour: (text: string, file: string) => Behaviour): readonly Known[] {
  const cached = knownByDir.get(dir);
  if (cached) return cached;
  const known = readdirSync(dir)
    .filter((f) => f.endsWith('.dsl'))
    .sort()
    .flatMap((file) => {
      try {
        return [{ name: file.replace(/\.dsl$/, ''), ...behaviour(readFileSync(join(dir, file), 'utf8'), file) }];
      } catch (error) {
        if (error instanceof DslError) return []; // not a program this dialect's checker accepts: nothing to compare with
        throw error;
      }
    });
  knownByDir.set(dir, known);
  return known;
}

/** Behaviour from probe outputs: the fingerprint is the hash of the outputs, as the dialects compute it. */
export function behaviourOf(outputs: readonly Float32Array[], shapeKey: string): Behaviour {
  return { fingerprint: fingerprintOfUpdates(outputs), shapeKey, outputs };
}

const RANK: Record<Relation, number> = { equivalent: 0, 'same-up-to-constants': 1, different: 2 };

export function relate(b: Behaviour, known: readonly Known[]): Kinship {
  const relations = known.map((k): KnownRelation => ({
    name: k.name,
    relation: k.fingerprint === b.fingerprint ? 'equivalent' : k.shapeKey === b.shapeKey ? 'same-up-to-constants' : 'different',
    similarity: similarity(b.outputs, k.outputs),
  }));
  const closest = [...relations].sort((a, c) => RANK[a.relation] - RANK[c.relation] || c.similarity - a.similarity)[0]!;
  return { relations, closest };
}

/** "equivalent to lion", "lion up to constants", "different (closest adamw, cos 0.93)". */
export function describeKinship(k: Kinship): string {
  const { name, relation, similarity: s } = k.closest;
  if (relation === 'equivalent') return `equivalent to ${name}`;
  if (relation === 'same-up-to-constants') return `${name} up to constants`;
  return `different (closest ${name}, cos ${s.toFixed(3)})`;
}

/** Mean cosine of the per-step vectors, over finite coordinates; 0 where either is all zero. */
function similarity(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let total = 0;
  a.forEach((u, t) => {
    const v = b[t];
    if (v === undefined) return;
    let dot = 0, uu = 0, vv = 0;
    for (let i = 0; i < Math.min(u.length, v.length); i++) {
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
