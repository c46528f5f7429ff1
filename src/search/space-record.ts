// A run's search space read back from its config.json, so a resumed run keeps the space it started with.
import { parseBlock, parseOptimizer, printProgram } from '../dsl/index.js';
import type { DialectName, SearchSpace, SeedProgram } from './space-types.js';

type RecordedProgram = { readonly file: string; readonly source: string };
type SpaceRecord = Omit<SearchSpace, 'seeds' | 'baseline'> & { readonly seeds: readonly RecordedProgram[]; readonly baseline: RecordedProgram };

function revive({ file, source }: RecordedProgram, dialect: DialectName): SeedProgram {
  const program = dialect === 'block' ? parseBlock(source, file).program : parseOptimizer(source, file).program;
  return { file, source, text: printProgram(program) };
}

export function spaceFromRecord(record: unknown): SearchSpace {
  const r = record as SpaceRecord;
  if (typeof r !== 'object' || r === null || !Array.isArray(r.seeds) || typeof r.baseline !== 'object') {
    throw new Error('config.json holds no search space');
  }
  // A run recorded before blocks had spaces has no dialect field: it is an optimizer run.
  const dialect = r.dialect ?? 'optimizer';
  return { ...r, dialect, seeds: r.seeds.map((s) => revive(s, dialect)), baseline: revive(r.baseline, dialect) };
}
