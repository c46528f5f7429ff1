// A program's relation to each optimizer of dsl/optimizers/ (known-programs.ts), by its updates on
// the fingerprint's probe.
import { fileURLToPath } from 'node:url';
import { parseOptimizer, probeUpdates, shapeKey, type CheckedOptimizer } from '../dsl/index.js';
import { behaviourOf, knownPrograms, relate, type Behaviour, type Kinship } from './known-programs.js';

export { describeKinship, type Kinship, type KnownRelation } from './known-programs.js';

/** dsl/optimizers/ of the package, from src/report or dist/report alike. */
export const KNOWN_OPTIMIZERS_DIR = fileURLToPath(new URL('../../dsl/optimizers/', import.meta.url));

const optimizerBehaviour = (checked: CheckedOptimizer): Behaviour => behaviourOf(probeUpdates(checked), shapeKey(checked));

export function kinship(checked: CheckedOptimizer): Kinship {
  const known = knownPrograms(KNOWN_OPTIMIZERS_DIR, (text, file) => optimizerBehaviour(parseOptimizer(text, file)));
  return relate(optimizerBehaviour(checked), known);
}
