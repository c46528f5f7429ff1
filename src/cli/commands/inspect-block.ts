// `symevo inspect BLOCK.dsl [--compare OTHER] [--classify]`: a block's canonical and simplified text,
// fingerprint, shape key and cost at charlm's sizes; on request the Primer tests of ANCHORS §7.2.
import {
  blockCost,
  blockFingerprint,
  blockShapeKey,
  classifyBlock,
  DEFAULT_BLOCK_WIDTH,
  detectDialect,
  DslError,
  parseBlock,
  parseProgram,
  printProgram,
  simplifyBlock,
  type BlockClassification,
  type BlockCost,
  type CheckedBlock,
} from '../../dsl/index.js';
import { blockVerdictTests, verdictTestLines } from '../../report/block-verdict.js';
import { UsageError } from '../exit.js';
import { readSource } from '../load-program.js';

/** charlm's context, at which attention's FLOPs are counted. */
const COST_CONTEXT = 64;

interface BlockInspection {
  readonly file: string;
  readonly dialect: 'block';
  readonly canonical: string;
  readonly simplified: string;
  readonly fingerprint: string;
  readonly shapeKey: string;
  readonly statements: { readonly before: number; readonly after: number };
  readonly cost: BlockCost & { readonly width: number; readonly context: number };
  readonly classification?: BlockClassification;
}

/** True when the file holds a block program (a file that does not parse is left to the optimizer path's errors). */
export function isBlockFile(file: string): boolean {
  try {
    return detectDialect(parseProgram(readSource(file), file)) === 'block';
  } catch (err) {
    if (err instanceof DslError || err instanceof UsageError) return false;
    throw err;
  }
}

function loadBlock(file: string): CheckedBlock {
  const source = readSource(file);
  try {
    return parseBlock(source, file);
  } catch (err) {
    if (err instanceof DslError) throw new UsageError(err.format());
    throw err;
  }
}

function inspectBlock(file: string, checked: CheckedBlock, classify = false): BlockInspection {
  const simple = simplifyBlock(checked);
  return {
    file,
    dialect: 'block',
    canonical: printProgram(checked.program),
    simplified: printProgram(simple.checked.program),
    fingerprint: blockFingerprint(checked),
    shapeKey: blockShapeKey(checked),
    statements: { before: checked.program.body.length, after: simple.checked.program.body.length },
    cost: { ...blockCost(checked, DEFAULT_BLOCK_WIDTH, COST_CONTEXT), width: DEFAULT_BLOCK_WIDTH, context: COST_CONTEXT },
    ...(classify ? { classification: classifyBlock(checked) } : {}),
  };
}

function classificationLines(c: BlockClassification): string[] {
  return [`  classification: ${c.verdict}`, ...verdictTestLines(blockVerdictTests(c))];
}

function printBlockInspection(i: BlockInspection): void {
  const indent = (text: string) => text.trimEnd().split('\n').map((l) => `    ${l}`).join('\n');
  process.stdout.write(
    [
      `${i.file} (block)`,
      `  fingerprint:   ${i.fingerprint}`,
      `  shape key:     ${i.shapeKey}`,
      `  statements:    ${i.statements.before} → ${i.statements.after} after simplification`,
      `  cost:          ${i.cost.parameters.toLocaleString('en-US')} parameters, ${i.cost.flopsPerToken.toLocaleString('en-US')} forward FLOPs per token (width ${i.cost.width}, context ${i.cost.context})`,
      '  canonical:',
      indent(i.canonical),
      '  simplified:',
      indent(i.simplified),
      ...(i.classification ? classificationLines(i.classification) : []),
      '',
    ].join('\n'),
  );
}

export function inspectBlockFile(file: string, options: { compare?: string; classify?: boolean; json?: boolean }): void {
  const a = loadBlock(file);
  const first = inspectBlock(file, a, options.classify);
  if (options.compare === undefined) {
    if (options.json) process.stdout.write(`${JSON.stringify(first, null, 2)}\n`);
    else printBlockInspection(first);
    return;
  }
  const b = loadBlock(options.compare);
  const second = inspectBlock(options.compare, b, options.classify);
  const relation = first.fingerprint === second.fingerprint ? 'equivalent' : first.shapeKey === second.shapeKey ? 'same-up-to-constants' : 'different';
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ relation, a: first, b: second }, null, 2)}\n`);
    return;
  }
  printBlockInspection(first);
  printBlockInspection(second);
  process.stdout.write(`relation: ${relation}\n`);
}
