// `symevo space init NAME` writes a starting search space and its seed; `symevo space validate FILE`
// checks a space file (schema, seeds, task names) and prints a summary, or the problems and exit 2.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadSpace, SpaceError, validateTasks, type FunnelStage, type SearchSpace } from '../../search/index.js';
import { isSpaceName, seedFileName, seedTemplate, spaceTemplate } from '../../search/space-template.js';
import { TASK_NAMES } from '../../tasks/index.js';
import { EXIT_USAGE, UsageError } from '../exit.js';

function init(name: string, options: { dir: string; force?: boolean }): void {
  if (!isSpaceName(name)) {
    throw new UsageError(`'${name}' is not a usable space name: use letters, digits, '.', '_' and '-', without .json`);
  }
  const spaceFile = join(options.dir, `${name}.json`);
  const seedFile = join(options.dir, seedFileName(name));
  for (const file of [spaceFile, seedFile]) {
    if (existsSync(file) && !options.force) throw new UsageError(`${file} already exists; pass --force to overwrite it`);
  }
  mkdirSync(options.dir, { recursive: true });
  writeFileSync(seedFile, seedTemplate(name));
  writeFileSync(spaceFile, spaceTemplate(name));
  process.stdout.write(`wrote ${spaceFile} and its seed ${seedFile}\ncheck it with: symevo space validate ${spaceFile}\n`);
}

const PROMOTE_TEXT = (stage: FunnelStage): string => {
  const p = stage.promote;
  if (p === undefined) return '';
  if (p.kind === 'beatBaseline') return ', promote if it beats the baseline';
  if (p.kind === 'topFraction') return `, promote the top ${p.fraction * 100}%`;
  return `, promote if better than ${p.value}`;
};

function summary(s: SearchSpace) {
  return {
    file: s.file,
    name: s.name,
    dialect: s.dialect,
    ...(s.block === undefined
      ? { slots: s.slots, functions: s.functions.length }
      : { block: { optimizer: s.block.optimizer.file, widths: s.block.widths, dconvTaps: s.block.dconvTaps, heads: s.block.heads, ...(s.block.flopsRange ? { flopsRange: s.block.flopsRange } : {}) } }),
    seeds: s.seeds.map((p) => p.file),
    baseline: s.baseline.file,
    funnel: s.funnel.map((f) => ({ ...f })),
    mutation: s.mutation,
    evolution: s.evolution,
    metric: s.metric,
  };
}

function printSummary(s: SearchSpace): void {
  const { mutation: m, evolution: e } = s;
  const sizes = (f: SearchSpace['funnel'][number]) =>
    [f.width && `width ${f.width}`, f.layers && `${f.layers} layer${f.layers === 1 ? '' : 's'}`, f.context && `context ${f.context}`, f.batch && `batch ${f.batch}`].filter(Boolean).join(', ');
  const stages = s.funnel.map((f, i) => {
    const size = sizes(f);
    const steps = f.compute === 'flops' ? `the FLOPs of ${f.steps} baseline steps` : `${f.steps} steps`;
    return `    ${i + 1}. ${f.task}${size === '' ? '' : ` (${size})`}, ${steps}${PROMOTE_TEXT(f)}`;
  });
  const language =
    s.block === undefined
      ? [`  slots:      ${s.slots.length > 0 ? s.slots.join(', ') : 'none'}`, `  functions:  ${s.functions.length}`]
      : [
          `  dialect:    block, trained with ${s.block.optimizer.file}`,
          `  choices:    dense widths ${s.block.widths.join(', ')}; dconv taps ${s.block.dconvTaps.join(', ')}; heads ${s.block.heads.join(', ')}`,
          ...(s.block.flopsRange === undefined ? [] : [`  size:       FLOPs per token within ${s.block.flopsRange[0]}–${s.block.flopsRange[1]}× the baseline's`]),
        ];
  process.stdout.write(
    [
      `${s.file}: ok`,
      `  name:       ${s.name}`,
      ...language,
      `  seeds:      ${s.seeds.map((p) => p.file).join(', ')}`,
      `  baseline:   ${s.baseline.file}`,
      `  funnel:     ${s.funnel.length} stage${s.funnel.length === 1 ? '' : 's'}`,
      ...stages,
      `  mutation:   ${m.mode} (insert ${m.weights.insert}, delete ${m.weights.delete}, modify ${m.weights.modify})`,
      `  evolution:  population ${e.population}, tournament ${e.tournamentSize}, budget ${e.budget} evaluations`,
      `  metric:     ${s.metric.name} (${s.metric.lowerIsBetter ? 'lower' : 'higher'} is better)`,
      '',
    ].join('\n'),
  );
}

function validate(file: string, options: { json?: boolean }): void {
  let space: SearchSpace;
  try {
    space = loadSpace(file);
    validateTasks(space, TASK_NAMES);
  } catch (err) {
    if (!(err instanceof SpaceError)) throw err;
    if (options.json) {
      const issues = err.issues.map(({ path, message, dsl }) => ({ path, message: dsl ? dsl.message : message }));
      process.stdout.write(`${JSON.stringify({ ok: false, file, issues }, null, 2)}\n`);
    }
    process.stderr.write(`${err.message}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ ok: true, ...summary(space) }, null, 2)}\n`);
  else printSummary(space);
}

export function registerSpace(program: Command): void {
  const space = program.command('space').description('create and check search-space files');
  space
    .command('init')
    .description('write NAME.json, a starting search space, and its seed program NAME-seed.dsl next to it')
    .argument('<name>', 'space name (the file is NAME.json)')
    .option('--dir <dir>', 'directory to write into', 'search-spaces')
    .option('--force', 'overwrite existing files')
    .action(init);
  space
    .command('validate')
    .description('check a search-space file and its seed programs; exit 2 if anything is wrong')
    .argument('<file>', 'search-space file (.json)')
    .option('--json', 'print one JSON document')
    .action(validate);
}
