// Public surface of the block dialect's plug-in of the search: its mutations, its dialect and the engine process that knows every dialect.
export { replaceSite, scopeBefore, sitesOf, type ExprPath, type Site } from './block-edits.js';
export {
  mutateBlock,
  DEFAULT_BLOCK_MUTATION,
  type BlockMutateResult,
  type BlockMutationKind,
  type BlockMutationOptions,
  type BlockMutationRecord,
} from './block-mutate.js';
export { BLOCK_DIALECT, blockMutationOptions } from './block-dialect.js';
export { DIALECTS, SEARCH_ENGINE_ENTRY } from './dialects.js';
