// Loading a search-space file (search-spaces/*.json): JSON → schema with defaults → seed programs,
// every problem reported with the file and the field path.
//
// loadSpace is synchronous (a space is a few kilobytes and its seeds a few lines) and throws a
// SpaceError listing every problem found; a search checks its space once, before any work.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readJson } from './space-json.js';
import { formatPath, spaceIssues, spaceSchema, stripComments, type SpaceIssue } from './space-schema.js';
import { loadProgram, loadSeed, loadSource, type ProgramReading } from './space-seeds.js';
import type { SearchSpace, SeedProgram } from './space-types.js';

export type * from './space-types.js';
export type { SpaceIssue, IssuePath } from './space-schema.js';
export { LION_FUNCTIONS, SPACE_DEFAULTS } from './space-defaults.js';

function formatIssue(file: string, issue: SpaceIssue): string {
  if (issue.at) return `${file}:${issue.at.line}:${issue.at.col}: ${issue.message}`;
  const where = issue.path.length > 0 ? `${file}: ${formatPath(issue.path)}` : file;
  return `${where}: ${issue.dsl ? issue.dsl.format() : issue.message}`;
}

/** Everything wrong with a space file, one problem per line (a seed's error adds its line and a caret). */
export class SpaceError extends Error {
  override readonly name = 'SpaceError';

  constructor(
    readonly file: string,
    readonly issues: readonly SpaceIssue[],
  ) {
    super(issues.map((issue) => formatIssue(file, issue)).join('\n'));
  }
}

/** Reads, validates and resolves a search-space file; throws SpaceError. */
export function loadSpace(file: string): SearchSpace {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new SpaceError(file, [{ path: [], message: `cannot read: ${why}` }]);
  }
  return parseSpace(text, file);
}

/** Validates and resolves the text of a space file; `file` names it in errors and locates relative seeds. */
export function parseSpace(text: string, file: string): SearchSpace {
  const json = readJson(text);
  if (!json.ok) {
    const { line, col, message } = json.error;
    throw new SpaceError(file, [{ path: [], at: { line, col }, message: `invalid JSON: ${message}` }]);
  }
  const issues: SpaceIssue[] = [];
  const parsed = spaceSchema.safeParse(stripComments(json.value, issues));
  if (!parsed.success) issues.push(...spaceIssues(parsed.error));
  if (!parsed.success || issues.length > 0) throw new SpaceError(file, issues);
  const { signature, seeds: seedPaths, baseline: baselinePath, name, block: blockFields, ...fields } = parsed.data;
  const space = { slots: signature.slots, functions: fields.functions };
  const blocks = fields.dialect === 'block';
  // A block must work at every model width the funnel trains it at.
  const reading: ProgramReading = blocks ? { dialect: 'block', widths: fields.funnel.map((s) => s.width) } : { dialect: 'optimizer' };

  const seeds: SeedProgram[] = [];
  seedPaths.forEach((entry, i) => {
    const seed = blocks ? loadProgram(entry, file, ['seeds', i], reading) : loadSeed(entry, file, ['seeds', i], space);
    if (seed.ok) seeds.push(seed.value);
    else issues.push(...seed.issues);
  });
  const baseline = baselinePath === undefined ? undefined : loadProgram(baselinePath, file, ['baseline'], reading);
  if (baseline && !baseline.ok) issues.push(...baseline.issues);
  const settings = blocks ? (blockFields ?? spaceSchema.shape.block.unwrap().parse({})) : undefined;
  const optimizer = settings === undefined ? undefined : loadSource(settings.optimizer, file, ['block', 'optimizer']);
  if (optimizer && !optimizer.ok) issues.push(...optimizer.issues);
  if (issues.length > 0) throw new SpaceError(file, issues);
  return {
    file,
    name: name ?? basename(file).replace(/\.json$/i, ''),
    ...fields,
    ...(blocks ? { slots: [], functions: [] } : { slots: signature.slots }),
    ...(settings !== undefined && optimizer?.ok ? { block: { ...settings, optimizer: optimizer.value } } : {}),
    seeds,
    baseline: baseline?.ok ? baseline.value : seeds[0]!,
  };
}

/**
 * Checks the task names of the funnel and of meta-validation against the names a task registry
 * knows (passed in: search does not import the command line); throws SpaceError naming each unknown one.
 */
export function validateTasks(space: Pick<SearchSpace, 'file' | 'funnel' | 'metaValidation'>, known: readonly string[]): void {
  const issues: SpaceIssue[] = [];
  const check = (task: string, path: SpaceIssue['path']) => {
    if (!known.includes(task)) issues.push({ path, message: `unknown task ${JSON.stringify(task)} (known: ${known.join(', ')})` });
  };
  space.funnel.forEach((stage, i) => {
    if (stage.tasks === undefined) check(stage.task, ['funnel', i, 'task']);
    else stage.tasks.forEach((task, j) => check(task, ['funnel', i, 'task', j]));
  });
  if (space.metaValidation) check(space.metaValidation.task, ['metaValidation', 'task']);
  if (issues.length > 0) throw new SpaceError(space.file, issues);
}
