// Public surface of the block dialect's plug-in of the search.
export { replaceSite, scopeBefore, sitesOf, type ExprPath, type Site } from './block-edits.js';
export {
  mutateBlock,
  DEFAULT_BLOCK_MUTATION,
  type BlockMutateResult,
  type BlockMutationKind,
  type BlockMutationOptions,
  type BlockMutationRecord,
} from './block-mutate.js';
