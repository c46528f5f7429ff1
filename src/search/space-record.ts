// A run's search space read back from its config.json, so a resumed run keeps the space it started with.
import { parseOptimizer } from '../dsl/index.js';
import type { SearchSpace, SeedProgram } from './space-types.js';

type RecordedProgram = { readonly file: string; readonly source: string };
type SpaceRecord = Omit<SearchSpace, 'seeds' | 'baseline'> & { readonly seeds: readonly RecordedProgram[]; readonly baseline: RecordedProgram };

const revive = ({ file, source }: RecordedProgram): SeedProgram => ({ file, source, checked: parseOptimizer(source, file) });

export function spaceFromRecord(record: unknown): SearchSpace {
  const r = record as SpaceRecord;
  if (typeof r !== 'object' || r === null || !Array.isArray(r.seeds) || typeof r.baseline !== 'object') {
    throw new Error('config.json holds no search space');
  }
  return { ...r, seeds: r.seeds.map(revive), baseline: revive(r.baseline) };
}
