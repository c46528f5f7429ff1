// Facts about one program text of a run, computed once per distinct text and dialect: its simplified
// form, statement counts before and after simplification, how many statements are redundant, and
// (on first use) its relation to the dialect's known programs and its classifier verdict.
import { DslError } from '../dsl/index.js';
import type { DialectName } from '../search/index.js';
import { REPORT_DIALECTS, type ProgramFacts } from './dialects.js';

export type { ProgramFacts } from './dialects.js';

const cache = new Map<string, ProgramFacts | string>();

/** The facts of a program's canonical text in its run's dialect, or why it does not parse. */
export function programFacts(text: string, dialect: DialectName = 'optimizer'): ProgramFacts | string {
  const key = `${dialect}\u0000${text}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const facts = computeFacts(text, dialect);
  cache.set(key, facts);
  return facts;
}

function computeFacts(text: string, dialect: DialectName): ProgramFacts | string {
  try {
    return REPORT_DIALECTS[dialect].facts(text);
  } catch (error) {
    if (error instanceof DslError) return error.message;
    throw error;
  }
}
