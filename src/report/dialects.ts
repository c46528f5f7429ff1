// What the reports need of a program dialect, one entry per dialect: how to read a journal program
// (parse, simplify, count redundant statements), how it relates to the dialect's known programs, its
// classifier verdict, and how its scores are best shown. Everything else (ranking, lineage, totals,
// plots) is the same for every dialect.
import { fileURLToPath } from 'node:url';
import {
  blockFingerprint, blockProbeInput, blockShapeKey, buildBlockGraph, classifyBlock, classifyOptimizer, parseBlock,
  parseOptimizer, printProgram, probeBlock, simplifyBlock, simplifyOptimizer,
  type BlockClassification, type CheckedBlock, type CheckedOptimizer, type Classification,
} from '../dsl/index.js';
import { candidateKey, liveStatementCount, type DialectName } from '../search/index.js';
import { blockVerdictTests, describeBlockVerdict, type VerdictTest } from './block-verdict.js';
import { describeKinship, kinship as optimizerKinship } from './known-optimizers.js';
import { knownPrograms, relate, type Behaviour, type Kinship } from './known-programs.js';
import type { RunSpace } from './run-reader.js';

/** A classifier's answer: its verdict, its tests, and the whole classification (for JSON). */
export interface Verdict {
  readonly verdict: string;
  readonly tests: readonly VerdictTest[];
  readonly classification: Classification | BlockClassification;
}

/** Facts about one program text of a run; the costlier ones computed on first use. */
export interface ProgramFacts {
  readonly dialect: DialectName;
  readonly simplified: string;
  /** Statements as written and after simplification (dead code removed, constants folded, inlined). */
  readonly statements: { readonly before: number; readonly after: number };
  /** Statements nothing returned depends on: the numerator of the redundant-statement fraction. */
  readonly redundant: number;
  /** Relation to the dialect's known programs (dsl/optimizers/, dsl/blocks/). */
  kinship(): Kinship;
  /** The dialect's classifier: Lion-likeness for optimizers, Primer-likeness for blocks. */
  verdict(): Verdict;
  /** The leaderboard's relation column. */
  relation(): string;
}

/** Scores shown in another unit than the metric's own (valLoss in nats/char as bits/char). */
export interface ScoreUnit {
  readonly unit: string;
  readonly convert: (value: number) => number;
}

export interface ReportDialect {
  readonly name: DialectName;
  /** Facts of canonical program text; throws a DslError for text that does not parse or check. */
  facts(text: string): ProgramFacts;
  /** Header of the leaderboard's relation column. */
  readonly relationHeader: string;
  /** Whether leaderboard rows and a program's detail carry the classifier's verdict (cheap for blocks; about a second per optimizer). */
  readonly showsVerdict: boolean;
  /** The unit scores are shown in for a space, when not the metric's own. */
  scoreUnit(space: RunSpace): ScoreUnit | undefined;
}

const once = <T>(f: () => T): (() => T) => {
  let value: { v: T } | undefined;
  return () => (value ??= { v: f() }).v;
};

function optimizerFacts(text: string): ProgramFacts {
  const checked: CheckedOptimizer = parseOptimizer(text, '<journal program>');
  const simple = simplifyOptimizer(checked);
  const key = candidateKey(checked);
  const kinship = once(() => optimizerKinship(checked));
  return {
    dialect: 'optimizer',
    simplified: printProgram(simple.checked.program),
    statements: { before: checked.program.body.length, after: simple.checked.program.body.length },
    redundant: key.statements - key.liveStatements,
    kinship,
    verdict: once(() => {
      const c = classifyOptimizer(checked);
      return { verdict: c.verdict, tests: c.tests, classification: c };
    }),
    relation: () => describeKinship(kinship()),
  };
}

/** dsl/blocks/ of the package, from src/report or dist/report alike. */
export const KNOWN_BLOCKS_DIR = fileURLToPath(new URL('../../dsl/blocks/', import.meta.url));

/**
 * A block's behaviour: its fingerprint and shape key, and for similarity what it adds to its input on
 * the fingerprint's probe (the residual stream itself would make every block look alike).
 */
function blockBehaviour(checked: CheckedBlock): Behaviour {
  const out = probeBlock(buildBlockGraph(checked));
  const input = blockProbeInput();
  return {
    fingerprint: blockFingerprint(checked),
    shapeKey: blockShapeKey(checked),
    outputs: [Float32Array.from(out, (y, i) => y - (input[i] ?? 0))],
  };
}

function blockFacts(text: string): ProgramFacts {
  const checked = parseBlock(text, '<journal program>');
  const simple = simplifyBlock(checked);
  const kinship = once(() => relate(blockBehaviour(checked), knownPrograms(KNOWN_BLOCKS_DIR, (t, file) => blockBehaviour(parseBlock(t, file)))));
  const verdict = once((): Verdict => {
    const c = classifyBlock(checked);
    return { verdict: c.verdict, tests: blockVerdictTests(c), classification: c };
  });
  return {
    dialect: 'block',
    simplified: printProgram(simple.checked.program),
    statements: { before: checked.program.body.length, after: simple.checked.program.body.length },
    redundant: checked.program.body.length - liveStatementCount(checked.program),
    kinship,
    verdict,
    relation: () => `${describeBlockVerdict(verdict().classification as BlockClassification)}; ${describeKnownBlocks(kinship())}`,
  };
}

/**
 * "equivalent to transformer", "transformer up to constants", or "none of transformer, primer": the
 * probe's similarity between blocks of different structure says little, so no closest is named.
 */
function describeKnownBlocks(k: Kinship): string {
  return k.closest.relation === 'different' ? `none of ${k.relations.map((r) => r.name).join(', ')}` : describeKinship(k);
}

const BITS_PER_CHAR: ScoreUnit = { unit: 'bits/char', convert: (nats) => nats / Math.LN2 };

export const REPORT_DIALECTS: Readonly<Record<DialectName, ReportDialect>> = {
  optimizer: {
    name: 'optimizer',
    facts: optimizerFacts,
    relationHeader: 'relation',
    showsVerdict: false,
    scoreUnit: () => undefined,
  },
  block: {
    name: 'block',
    facts: blockFacts,
    relationHeader: 'Primer tests; relation',
    showsVerdict: true,
    // charlm's valLoss is a mean cross-entropy in nats per character.
    scoreUnit: (space) => (space.metric.name === 'valLoss' && space.funnel.every((s) => s.task === 'charlm') ? BITS_PER_CHAR : undefined),
  },
};

export const reportDialect = (space: Pick<RunSpace, 'dialect'>): ReportDialect => REPORT_DIALECTS[space.dialect];
