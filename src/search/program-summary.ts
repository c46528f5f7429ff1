// The one-line description of a program that progress lines show: its simplified update, memoised
// by text because the best program changes rarely while progress is reported often.
import { oneLineSummary, parseOptimizer } from '../dsl/index.js';

let last: { readonly program: string; readonly summary: string } | undefined;

export function programSummary(program: string): string {
  if (last?.program === program) return last.summary;
  let summary: string;
  try {
    summary = oneLineSummary(parseOptimizer(program, '<best>'));
  } catch {
    // Not an optimizer program (another dialect): its first statement still tells programs apart.
    summary = (program.split('\n')[1] ?? program).trim();
  }
  last = { program, summary };
  return summary;
}
