// Terminal text of `symevo inspect runs/NAME`: the run's totals and leaderboard, or one program's detail.
import { reportDialect } from './dialects.js';
import { verdictTestLines } from './block-verdict.js';
import { describeEvaluator, evaluatorCounts } from './evaluators.js';
import type { LeaderboardRow } from './leaderboard.js';
import type { ProgramDetail } from './lineage.js';
import type { FunnelStage, RunRead } from './run-reader.js';
import type { RunTotals } from './run-stats.js';

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const score = (x: number | null) => (x === null ? '-' : x.toPrecision(5));
const indent = (text: string, pad = '    ') => text.trimEnd().split('\n').map((l) => `${pad}${l}`).join('\n');

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** "charlm 12 steps"; at equal compute "charlm 12 steps at equal FLOPs" (the baseline's steps). */
export function stageText(s: FunnelStage, separator = ' '): string {
  return `${s.task}${separator}${s.steps} steps${s.compute === 'flops' ? ' at equal FLOPs' : ''}`;
}

/** Said once under the funnel when a stage is at equal compute. */
export const EQUAL_FLOPS_NOTE = "at equal FLOPs the steps are the baseline's: a costlier program trains fewer, a cheaper one more";

export function runHeader(run: RunRead): string[] {
  const state = run.runningPid !== undefined ? `running (engine pid ${run.runningPid})` : 'not running';
  const stages = run.space.funnel.map((s, i) => `${i}: ${stageText(s)}`).join(', ');
  const direction = run.space.metric.lowerIsBetter ? 'lower is better' : 'higher is better';
  const unit = reportDialect(run.space).scoreUnit(run.space);
  const blocks = run.space.dialect === 'optimizer' ? '' : `, evolving ${run.space.dialect}s`;
  return [
    `run ${run.dir}: space ${run.space.name}${blocks}, seed ${run.config.seed}, backend ${run.config.backend}, ${state}`,
    `funnel stages ${stages}; metric ${run.space.metric.name} (${direction})${unit === undefined ? '' : `, shown in ${unit.unit}`}`,
    ...(run.space.funnel.some((s) => s.compute === 'flops') ? [EQUAL_FLOPS_NOTE] : []),
    ...run.notes.map((n) => `note: ${n}`),
  ];
}

export function totalsLine(t: RunTotals): string {
  return (
    `${t.evaluations}/${t.budget} evaluations, ${t.trained} trained, cache hit rate ${percent(t.cacheHitRate)}, ` +
    `redundant statements ${percent(t.redundantFraction)}, wall time ${formatDuration(t.wallSeconds)}, ` +
    `${t.evaluationsPerMinute.toFixed(1)} evaluations/min, ${t.diverged} diverged, ${t.failed} failed`
  );
}

/** Columns right-aligned to their widest cell, the last (free text) left as is. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padStart(widths[c]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

export function formatLeaderboard(run: RunRead, totals: RunTotals, rows: readonly LeaderboardRow[]): string {
  const unit = reportDialect(run.space).scoreUnit(run.space);
  const stages = run.space.funnel.map((_, s) => (unit === undefined ? `stage ${s}` : `stage ${s} ${unit.unit}`));
  // Steps and FLOPs where the journal records them (block runs), at the last stage each program reached.
  const costs = rows.some((r) => r.cost !== undefined);
  const body = rows.map((r) => [
    String(r.rank), `#${r.id}`, String(r.stageReached), ...(r.shown?.stageScores ?? r.stageScores).map(score),
    ...(costs ? [r.cost === undefined ? '-' : String(r.cost.steps), r.cost === undefined ? '-' : r.cost.flopsPerToken.toLocaleString('en-US')] : []),
    `${r.statements.before}→${r.statements.after}`, r.relation,
  ]);
  const header = ['rank', 'id', 'reached', ...stages, ...(costs ? ['steps', 'FLOPs/token'] : []), 'statements', reportDialect(run.space).relationHeader];
  const lines = [
    ...runHeader(run),
    totalsLine(totals),
    ...evaluatorLine(run),
    '',
    ...(rows.length === 0 ? ['no program has a usable score yet'] : table(header, body)),
  ];
  return lines.join('\n') + '\n';
}

/** "trained by: vm:1234 (cpu) 12, vm:1240 (cpu) 10", when the journal names its workers. */
function evaluatorLine(run: RunRead): string[] {
  const counts = evaluatorCounts(run);
  return counts.length === 0 ? [] : [`trained by: ${counts.map((c) => `${describeEvaluator(c)} ${c.evaluations}`).join(', ')}`];
}

export function formatDetail(run: RunRead, d: ProgramDetail): string {
  const metricText = (m: Readonly<Record<string, number>>) =>
    Object.entries(m).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toPrecision(5)}`).join(', ');
  const lines = [
    ...runHeader(run),
    '',
    `#${d.id}: ${d.fitness}${d.cacheHit ? ' (from the cache)' : ''}`,
    `  fingerprint: ${d.fingerprint}`,
    ...(d.evaluator ? [`  trained by:  ${describeEvaluator(d.evaluator)}, ${d.evaluator.host}`] : []),
    ...(d.relation ? [`  relation:    ${d.relation}`] : []),
    ...(d.verdict ? [`  classifier:  ${d.verdict.verdict}`, ...verdictTestLines(d.verdict.tests)] : []),
    ...(d.statements ? [`  statements:  ${d.statements.before} → ${d.statements.after} after simplification`] : []),
    '  as evolved:',
    indent(d.program),
    ...(d.simplified ? ['  simplified:', indent(d.simplified)] : []),
    '  metrics:',
    ...d.stages.map((s) =>
      `    stage ${s.stage} (${stageText(s.task)}): ${metricText(s.metrics)}${s.shown === undefined ? '' : ` (${run.space.metric.name} ${s.shown.value.toPrecision(5)} ${s.shown.unit})`}`,
    ),
    `  lineage (${d.lineage.length} step${d.lineage.length === 1 ? '' : 's'} back to ${d.lineageBroken ? 'where the journal ends' : 'a seed'}):`,
    ...d.lineage.flatMap((s) => [
      `    #${s.id} ← ${s.parentId === null ? 'seed' : `#${s.parentId}`}: ${s.mutation.kind}: ${s.mutation.detail} | ${s.fitness}`,
      ...(s.diff === '' ? [] : [indent(s.diff, '      ')]),
    ]),
    ...(d.lineageBroken ? [`    (lineage broken: ${d.lineageBroken})`] : []),
  ];
  return lines.join('\n') + '\n';
}
