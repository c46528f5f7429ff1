// `symevo inspect FILE [--compare OTHER] [--classify]`: canonical and simplified text, fingerprint,
// shape key, and on request the Lion-likeness tests and verdict. Given a run directory instead of a
// file, the run's leaderboard or one program's lineage (inspect-run.ts).
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import {
  classifyOptimizer,
  compareOptimizers,
  fingerprint,
  printProgram,
  shapeKey,
  simplifyOptimizer,
  type CheckedOptimizer,
  type Classification,
} from '../../dsl/index.js';
import { UsageError } from '../exit.js';
import { loadOptimizer } from '../load-program.js';
import { nonNegativeInteger, positiveInteger } from '../options.js';
import { inspectBlockFile, isBlockFile } from './inspect-block.js';
import { inspectRun } from './inspect-run.js';

interface Inspection {
  readonly file: string;
  readonly canonical: string;
  readonly simplified: string;
  readonly fingerprint: string;
  readonly shapeKey: string;
  readonly statements: { readonly before: number; readonly after: number };
  readonly carriedState: readonly string[];
  readonly classification?: Classification;
}

function inspectProgram(file: string, checked: CheckedOptimizer, classify = false): Inspection {
  const simple = simplifyOptimizer(checked);
  return {
    file,
    canonical: printProgram(checked.program),
    simplified: printProgram(simple.checked.program),
    fingerprint: fingerprint(checked),
    shapeKey: shapeKey(checked),
    statements: { before: checked.program.body.length, after: simple.checked.program.body.length },
    carriedState: checked.signature.slots.filter((_, i) => simple.carried[i]),
    ...(classify ? { classification: classifyOptimizer(checked) } : {}),
  };
}

const RELATION_TEXT = {
  equivalent: 'equivalent: the two programs compute the same function',
  'same-up-to-constants': 'same up to constants: the same program but for its constants (hyperparameters, constant factors, unused state)',
  different: 'different: the programs differ beyond their constants',
} as const;

function printInspection(i: Inspection): void {
  const indent = (text: string) => text.trimEnd().split('\n').map((l) => `    ${l}`).join('\n');
  process.stdout.write(
    [
      `${i.file}`,
      `  fingerprint:   ${i.fingerprint}`,
      `  shape key:     ${i.shapeKey}`,
      `  statements:    ${i.statements.before} → ${i.statements.after} after simplification`,
      `  carried state: ${i.carriedState.length > 0 ? i.carriedState.join(', ') : 'none'}`,
      '  canonical:',
      indent(i.canonical),
      '  simplified:',
      indent(i.simplified),
      ...(i.classification ? classificationLines(i.classification) : []),
      '',
    ].join('\n'),
  );
}

function classificationLines(c: Classification): string[] {
  const width = Math.max(...c.tests.map((t) => t.name.length));
  return [
    `  classification: ${c.verdict}`,
    ...c.tests.map((t) => `    ${t.pass ? 'pass' : 'FAIL'}  ${t.name.padEnd(width)}  ${t.detail}`),
  ];
}

const isDirectory = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('show a program in canonical and simplified form, with its fingerprint and shape key; or a run\'s leaderboard')
    .argument('<file>', 'program file (.dsl), or a run directory (runs/NAME)')
    .option('--compare <other>', 'say whether the two programs are equivalent, the same up to constants, or different')
    .option('--classify', 'run the Lion-likeness tests (structure, behaviour, properties), or for a block the Primer tests, and print the verdict')
    .option('--top <n>', 'run directory: programs in the leaderboard', positiveInteger, 10)
    .option('--id <id>', 'run directory: one program in detail, with its lineage back to a seed', nonNegativeInteger)
    .option('--json', 'print one JSON document')
    .action((file: string, options: { compare?: string; classify?: boolean; json?: boolean; top: number; id?: number }) => {
      if (isDirectory(file)) {
        if (options.compare !== undefined || options.classify) throw new UsageError('--compare and --classify apply to a program file, not a run directory');
        inspectRun(file, options);
        return;
      }
      if (isBlockFile(file)) {
        inspectBlockFile(file, options);
        return;
      }
      const a = loadOptimizer(file);
      const first = inspectProgram(file, a, options.classify);
      if (options.compare === undefined) {
        if (options.json) process.stdout.write(`${JSON.stringify(first, null, 2)}\n`);
        else printInspection(first);
        return;
      }
      const b = loadOptimizer(options.compare);
      const second = inspectProgram(options.compare, b, options.classify);
      const relation = compareOptimizers(a, b);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ relation, a: first, b: second }, null, 2)}\n`);
        return;
      }
      printInspection(first);
      printInspection(second);
      process.stdout.write(`relation: ${RELATION_TEXT[relation]}\n`);
    });
}
