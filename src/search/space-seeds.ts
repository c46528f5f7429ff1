// Seed and baseline programs of a search space: finding the file, parsing and checking it, and
// checking that a seed stays inside the space (its state slots and the functions it calls).
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BINARY_OP_NAMES,
  DslError,
  ErrorSink,
  ROLE_PARAMS,
  assertNever,
  parseBlock,
  parseOptimizer,
  printProgram,
  type CheckedOptimizer,
  type Expr,
  type OpName,
} from '../dsl/index.js';
import type { IssuePath, SpaceIssue } from './space-schema.js';
import type { DialectName, SeedProgram } from './space-types.js';

/** How a space's programs are read: its dialect, and for blocks the model widths they must work at. */
export interface ProgramReading {
  readonly dialect: DialectName;
  readonly widths?: readonly (number | undefined)[];
}

/** The symevo package (src/search or dist/search is two levels down), whose dsl/ ships the seeds. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type Loaded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly SpaceIssue[] };

/** The path as shown to users: relative to the working directory when below it. */
function display(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}

/**
 * Reads a program named in a space file. A relative path is looked up from the working directory
 * (the repository root, usually), then the space file's directory, then the symevo package.
 */
function readProgram(entry: string, spaceFile: string, path: IssuePath): Loaded<{ file: string; source: string }> {
  const places = isAbsolute(entry)
    ? [entry]
    : [...new Set([resolve(entry), resolve(dirname(spaceFile), entry), resolve(PACKAGE_ROOT, entry)])];
  for (const absolute of places) {
    try {
      return { ok: true, value: { file: display(absolute), source: readFileSync(absolute, 'utf8') } };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      const why = code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
      return { ok: false, issues: [{ path, message: `cannot read ${JSON.stringify(entry)}: ${why}` }] };
    }
  }
  const where = isAbsolute(entry) ? '' : ' (looked from the working directory, the space file and the symevo package)';
  return { ok: false, issues: [{ path, message: `no such file ${JSON.stringify(entry)}${where}` }] };
}

function attempt<T>(path: IssuePath, read: () => T): Loaded<T> {
  try {
    return { ok: true, value: read() };
  } catch (err) {
    if (err instanceof DslError) return { ok: false, issues: [{ path, message: err.detail, dsl: err }] };
    throw err;
  }
}

/** Reads a file named in a space, without parsing it (the fixed optimizer of a block space). */
export function loadSource(entry: string, spaceFile: string, path: IssuePath): Loaded<{ file: string; source: string }> {
  return readProgram(entry, spaceFile, path);
}

/** Loads and checks a program in the space's dialect (a block at every model width given); the baseline needs nothing more. */
export function loadProgram(entry: string, spaceFile: string, path: IssuePath, reading: ProgramReading = { dialect: 'optimizer' }): Loaded<SeedProgram> {
  const read = readProgram(entry, spaceFile, path);
  if (!read.ok) return read;
  const { file, source } = read.value;
  const checked = attempt(path, () => {
    if (reading.dialect === 'optimizer') return parseOptimizer(source, file).program;
    const widths = [...new Set(reading.widths ?? [undefined])];
    return widths.map((width) => parseBlock(source, file, width === undefined ? {} : { width }).program)[0]!;
  });
  if (!checked.ok) return checked;
  return { ok: true, value: { file, source, text: printProgram(checked.value) } };
}

/** Loads a seed: a program whose state slots are among the space's and which calls only its functions. */
export function loadSeed(
  entry: string,
  spaceFile: string,
  path: IssuePath,
  space: { readonly slots: readonly string[]; readonly functions: readonly OpName[] },
): Loaded<SeedProgram> {
  const loaded = loadProgram(entry, spaceFile, path);
  if (!loaded.ok) return loaded;
  const { file, source } = loaded.value;
  const checked: CheckedOptimizer = parseOptimizer(source, file);
  const sink = new ErrorSink(file, source);
  const issues: SpaceIssue[] = [];
  const report = (error: DslError) => issues.push({ path, message: error.detail, dsl: error });
  const slotList = space.slots.length > 0 ? space.slots.join(', ') : 'none';
  for (const param of checked.program.params) {
    if (!Object.hasOwn(ROLE_PARAMS, param.name) && !space.slots.includes(param.name)) {
      report(sink.error(param.pos, `state slot '${param.name}' is not among the space's slots (${slotList})`));
    }
  }
  const allowed = new Set<string>(space.functions);
  const exprs = [...checked.program.body.map((s) => s.value), ...checked.program.ret.values];
  for (const use of exprs.flatMap((e) => functionUses(e))) {
    if (!allowed.has(use.op)) {
      const what = use.operator ? `operator '${use.operator}' (${use.op})` : `function '${use.op}'`;
      report(sink.error(use.expr.pos, `${what} is not among the space's functions`));
    }
  }
  return issues.length > 0 ? { ok: false, issues } : loaded;
}

interface FunctionUse {
  readonly op: OpName;
  /** The operator written, when the op was written as one. */
  readonly operator?: string;
  readonly expr: Expr;
}

/** Every op an expression applies, in reading order. */
function functionUses(e: Expr, out: FunctionUse[] = []): FunctionUse[] {
  switch (e.kind) {
    case 'number':
    case 'name':
      break;
    case 'call':
      out.push({ op: e.fn as OpName, expr: e });
      e.args.forEach((a) => functionUses(a, out));
      break;
    case 'binary':
      functionUses(e.left, out);
      out.push({ op: BINARY_OP_NAMES[e.op], operator: e.op, expr: e });
      functionUses(e.right, out);
      break;
    case 'negate':
      out.push({ op: 'negative', operator: '-', expr: e });
      functionUses(e.operand, out);
      break;
    default:
      assertNever(e);
  }
  return out;
}
