// The block dialect as the engine sees it: keys from the block fingerprint and simplifier, mutation
// from block-mutate.ts with the choices the space allows, at the model width of its first stage.
import { LRUCache } from 'lru-cache';
import {
  blockCost, blockFingerprint, DslError, parseBlock, printExpr, printProgram, simplifyBlock, type CheckedBlock,
} from '../dsl/index.js';
import { CHARLM_SIZE } from '../tasks/index.js';
import { liveStatementCount, type CandidateKey, type MutateFn, type SearchDialect, type SearchSpace } from '../search/index.js';
import { DEFAULT_BLOCK_MUTATION, mutateBlock, type BlockMutationOptions } from './block-mutate.js';

/** `fingerprint` may be passed when known (mutateBlock computes the child's), saving the probe. */
function blockKey(checked: CheckedBlock, fingerprint = blockFingerprint(checked)): CandidateKey {
  const simplified = simplifyBlock(checked);
  return {
    // Of the block as written: mutateBlock compares the same fingerprint, and it is behavioural,
    // so a block and its simplification share it.
    fingerprint,
    simplifiedText: printProgram(simplified.checked.program),
    statements: checked.program.body.length,
    liveStatements: liveStatementCount(checked.program),
  };
}

/** Mutation settings of a block space: its weights, limits and choices, children checked at its first stage's width. */
export function blockMutationOptions(space: SearchSpace): BlockMutationOptions {
  const block = space.block;
  const fits = sizeWindow(space);
  return {
    weights: space.mutation.weights,
    widths: block?.widths ?? DEFAULT_BLOCK_MUTATION.widths,
    dconvTaps: block?.dconvTaps ?? DEFAULT_BLOCK_MUTATION.dconvTaps,
    heads: block?.heads ?? DEFAULT_BLOCK_MUTATION.heads,
    maxStatements: space.maxStatements,
    maxRetries: space.mutation.maxRetries,
    check: { width: firstStageSize(space).width },
    ...(fits === undefined ? {} : { accept: fits }),
  };
}

/** The model sizes of the space's first stage, where children are checked and costed. */
function firstStageSize(space: SearchSpace): { width: number; context: number } {
  return { width: space.funnel[0]?.width ?? CHARLM_SIZE.width, context: space.funnel[0]?.context ?? CHARLM_SIZE.context };
}

function blockMutator(space: SearchSpace, onChild?: (program: string, key: CandidateKey) => void): MutateFn {
  const options = blockMutationOptions(space);
  const parents = new LRUCache<string, { checked: CheckedBlock; fingerprint: string }>({ max: 4096 });
  return (parentText, rng) => {
    let parent = parents.get(parentText);
    if (parent === undefined) {
      let checked: CheckedBlock;
      try {
        checked = parseBlock(parentText, '<parent>', options.check);
      } catch (error) {
        if (error instanceof DslError) return { ok: false, reason: `the parent does not check: ${error.message}` };
        throw error;
      }
      parent = { checked, fingerprint: blockFingerprint(checked) };
      parents.set(parentText, parent);
    }
    const result = mutateBlock(parent.checked, rng, options, parent.fingerprint);
    if (!result.ok) return result;
    const program = printProgram(result.child.program);
    onChild?.(program, blockKey(result.child, result.fingerprint));
    return { ok: true, program, mutation: result.mutation };
  };
}

/** Whether a block's FLOPs per token lie in the space's range around the baseline's; undefined without a range. */
function sizeWindow(space: SearchSpace): ((block: CheckedBlock) => boolean) | undefined {
  const range = space.block?.flopsRange;
  if (range === undefined) return undefined;
  const { width, context } = firstStageSize(space);
  const flops = (block: CheckedBlock) => blockCost(block, width, context).flopsPerToken;
  const baseline = flops(parseBlock(space.baseline.text, space.baseline.file, { width }));
  return (block) => {
    const ratio = flops(block) / baseline;
    return ratio >= range[0] && ratio <= range[1];
  };
}

/** The simplified block on one line: its statements and return, separated by `;`. */
function blockSummary(text: string): string {
  try {
    const { program } = simplifyBlock(parseBlock(text, '<best>')).checked;
    return [...program.body.map((s) => `${s.target} = ${printExpr(s.value)}`), `return ${program.ret.values.map(printExpr).join(', ')}`].join('; ');
  } catch {
    return (text.split('\n')[1] ?? text).trim();
  }
}

export const BLOCK_DIALECT: SearchDialect = {
  name: 'block',
  key: (text, file) => blockKey(parseBlock(text, file)),
  mutator: blockMutator,
  summary: blockSummary,
};
