// Facts about one program text of a run, computed once per distinct text: its simplified form,
// statement counts before and after simplification, and how many statements are redundant.
import { DslError, parseOptimizer, printProgram, simplifyOptimizer, type CheckedOptimizer } from '../dsl/index.js';
import { candidateKey } from '../search/index.js';

export interface ProgramFacts {
  readonly checked: CheckedOptimizer;
  readonly simplified: string;
  /** Statements as written and after simplification (dead code removed, constants folded, inlined). */
  readonly statements: { readonly before: number; readonly after: number };
  /** Statements nothing returned depends on: the numerator of the redundant-statement fraction. */
  readonly redundant: number;
}

const cache = new Map<string, ProgramFacts | string>();

/** The facts of a program's canonical text, or why it does not parse. */
export function programFacts(text: string): ProgramFacts | string {
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const facts = computeFacts(text);
  cache.set(text, facts);
  return facts;
}

function computeFacts(text: string): ProgramFacts | string {
  let checked: CheckedOptimizer;
  try {
    checked = parseOptimizer(text, '<journal program>');
  } catch (error) {
    if (error instanceof DslError) return error.message;
    throw error;
  }
  const simple = simplifyOptimizer(checked);
  const key = candidateKey(checked);
  return {
    checked,
    simplified: printProgram(simple.checked.program),
    statements: { before: checked.program.body.length, after: simple.checked.program.body.length },
    redundant: key.statements - key.liveStatements,
  };
}
