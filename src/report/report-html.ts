// report.html: one self-contained page (no script, font, image or stylesheet from elsewhere) with a
// run's totals, its plots, the top programs with their classifier verdicts (Lion-likeness for
// optimizers, Primer-likeness for blocks), and the best program's lineage.
import { reportDialect, type Verdict } from './dialects.js';
import { formatDuration, stageText } from './inspect-text.js';
import { leaderboard, type LeaderboardRow } from './leaderboard.js';
import { programDetail, type ProgramDetail } from './lineage.js';
import { renderPlots, type RenderedPlot } from './plots.js';
import { programFacts } from './program-facts.js';
import type { RunRead } from './run-reader.js';
import { rateSeries, runSeries, runTotals, thinSeries, type RunTotals } from './run-stats.js';

export interface ReportOptions {
  /** Programs shown with their classifier verdicts (each costs about a second of CPU). */
  readonly top: number;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const num = (x: number | null) => (x === null ? '–' : x.toPrecision(5));

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 980px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; text-align: left; border-bottom: 1px solid #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; font: 12px/1.4 ui-monospace, monospace; }
.add { color: #116329; background: #dafbe1; } .del { color: #82071e; background: #ffebe9; } .hunk { color: #8250df; }
.pass { color: #116329; } .fail { color: #82071e; } .note { color: #9a6700; }
section.plot { margin: 1.5em 0; }`;

export function reportHtml(run: RunRead, options: ReportOptions): string {
  const totals = runTotals(run);
  const stage0 = run.space.funnel[0]!;
  const unit = reportDialect(run.space).scoreUnit(run.space);
  const series = thinSeries(runSeries(run));
  const plots = renderPlots({
    series: unit === undefined
      ? series
      : series.map((p) => ({
          ...p,
          ...(p.best === undefined ? {} : { best: unit.convert(p.best) }),
          ...(p.median === undefined ? {} : { median: unit.convert(p.median) }),
        })),
    rates: rateSeries(run),
    metricLabel: `${unit === undefined ? run.space.metric.name : `${run.space.metric.name} in ${unit.unit}`} at stage 0 (${stageText(stage0, ', ')})`,
  });
  const rows = leaderboard(run, options.top);
  const best = rows[0] === undefined ? undefined : programDetail(run, rows[0].id);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>symevo run ${escape(run.config.name)}</title><style>${STYLE}</style></head>
<body>
<h1>Run ${escape(run.config.name)}</h1>
${headerHtml(run)}
<h2>Totals</h2>
${totalsHtml(totals)}
<h2>Plots</h2>
${plots.map(plotHtml).join('\n')}
<h2>Top programs</h2>
${rows.length === 0 ? '<p>No program has a usable score yet.</p>' : rows.map((r) => programHtml(run, r)).join('\n')}
<h2>Lineage of the best program</h2>
${best === undefined ? '<p>No best program yet.</p>' : lineageHtml(best)}
</body></html>
`;
}

function headerHtml(run: RunRead): string {
  const state = run.runningPid === undefined ? 'not running' : `running (engine pid ${run.runningPid})`;
  const stages = run.space.funnel.map((s, i) => `${i}: ${stageText(s, ', ')}`).join('; ');
  const facts = [
    ['directory', run.dir], ['space', run.space.name],
    ...(run.space.dialect === 'optimizer' ? [] : [['evolves', 'Transformer blocks']]),
    ['seed', String(run.config.seed)], ['backend', run.config.backend],
    ['created', run.config.createdAt], ['state', state], ['funnel', stages],
    ['metric', `${run.space.metric.name} (${run.space.metric.lowerIsBetter ? 'lower' : 'higher'} is better)`],
  ];
  const notes = run.notes.map((n) => `<p class="note">${escape(n)}</p>`).join('\n');
  return `<table>${facts.map(([k, v]) => `<tr><th>${k}</th><td>${escape(v!)}</td></tr>`).join('')}</table>\n${notes}`;
}

function totalsHtml(t: RunTotals): string {
  const cells: [string, string][] = [
    ['evaluations', `${t.evaluations} of ${t.budget}`], ['trained', String(t.trained)], ['cache hit rate', percent(t.cacheHitRate)],
    ['redundant statements', percent(t.redundantFraction)], ['wall time', formatDuration(t.wallSeconds)],
    ['evaluations / min', t.evaluationsPerMinute.toFixed(1)], ['diverged', String(t.diverged)], ['failed', String(t.failed)],
  ];
  return `<table>${cells.map(([k, v]) => `<tr><th>${k}</th><td class="n">${escape(v)}</td></tr>`).join('')}</table>`;
}

function plotHtml(p: RenderedPlot): string {
  return `<section class="plot" data-plot="${p.name}"><h3>${escape(p.title)}</h3>\n${p.markup}\n</section>`;
}

function programHtml(run: RunRead, r: LeaderboardRow): string {
  const dialect = reportDialect(run.space);
  const facts = programFacts(r.program, dialect.name);
  const verdict = r.verdict ?? (typeof facts === 'string' ? undefined : facts.verdict());
  const scores = r.shown === undefined
    ? r.stageScores.map((s, i) => `stage ${i}: ${num(s)}`).join(', ')
    : r.shown.stageScores.map((s, i) => `stage ${i}: ${num(s)} ${r.shown!.unit}`).join(', ');
  const shownScore = r.shown === undefined ? '' : ` (${num(r.shown.score)} ${r.shown.unit})`;
  const cost = r.cost === undefined
    ? ''
    : `; at stage ${r.cost.stage} trained ${r.cost.steps} steps, ${r.cost.flopsPerToken.toLocaleString('en-US')} FLOPs/token` +
      (r.cost.blockParameters === undefined ? '' : `, ${r.cost.blockParameters.toLocaleString('en-US')} block parameters`);
  return `<section class="program" data-id="${r.id}">
<h3>${r.rank}. #${r.id} — ${escape(run.space.metric.name)} ${num(r.score)}${escape(shownScore)} at stage ${r.stageReached}</h3>
<p>${escape(scores)}${escape(cost)}; ${r.statements.before} statements, ${r.statements.after} after simplification; ${escape(r.relation)}</p>
${verdict === undefined ? '' : classificationHtml(verdict)}
<pre>${escape(r.simplified)}</pre>
</section>`;
}

function classificationHtml(c: Verdict): string {
  const tests = c.tests
    .map((t) => `<tr><td class="${t.pass ? 'pass' : 'fail'}">${t.pass ? 'pass' : 'fail'}</td><td>${t.name}</td><td>${escape(t.detail)}</td></tr>`)
    .join('');
  return `<p>Classifier verdict: <strong class="verdict">${c.verdict}</strong></p><table>${tests}</table>`;
}

function lineageHtml(d: ProgramDetail): string {
  const steps = d.lineage.map((s) => {
    const head = `#${s.id} ← ${s.parentId === null ? 'seed' : `#${s.parentId}`}: ${s.mutation.kind}: ${s.mutation.detail} (${s.fitness})`;
    return `<li><p>${escape(head)}</p>${s.diff === '' ? '' : `<pre>${diffHtml(s.diff)}</pre>`}</li>`;
  });
  const broken = d.lineageBroken ? `<p class="note">Lineage broken: ${escape(d.lineageBroken)}</p>` : '';
  return `<p>#${d.id}, ${escape(d.fitness)}, as evolved:</p><pre>${escape(d.program)}</pre>\n<ol class="lineage">${steps.join('\n')}</ol>${broken}`;
}

function diffHtml(diff: string): string {
  return diff
    .trimEnd()
    .split('\n')
    .map((line) => {
      const cls = line.startsWith('@@') ? 'hunk' : line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : '';
      return cls === '' ? escape(line) : `<span class="${cls}">${escape(line)}</span>`;
    })
    .join('\n');
}
