// The optimizer dialect as the engine sees it: keys from candidate-key.ts, mutation from mutate.ts.
import { parseOptimizer } from '../dsl/index.js';
import { candidateKey } from './candidate-key.js';
import type { SearchDialect } from './dialect.js';
import { textMutator } from './mutate.js';
import { programSummary } from './program-summary.js';

export const OPTIMIZER_DIALECT: SearchDialect = {
  name: 'optimizer',
  key: (text, file) => candidateKey(parseOptimizer(text, file)),
  mutator: (space, onChild) => textMutator(space, undefined, onChild),
  summary: programSummary,
};
