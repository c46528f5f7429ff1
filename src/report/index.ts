// Public surface of the run reports: reading a run directory, its leaderboard, lineage and statistics, and report.html.
export { isRunDirectory, readRun, type FunnelStage, type RunRead, type RunReadResult, type RunSpace } from './run-reader.js';
export { programFacts, type ProgramFacts } from './program-facts.js';
export { KNOWN_BLOCKS_DIR, REPORT_DIALECTS, reportDialect, type ReportDialect, type ScoreUnit, type Verdict } from './dialects.js';
export { blockVerdictTests, describeBlockVerdict, verdictTestLines, type VerdictTest } from './block-verdict.js';
export { describeKinship, kinship, KNOWN_OPTIMIZERS_DIR, type Kinship, type KnownRelation } from './known-optimizers.js';
export { leaderboard, rankedEntries, stageCost, type LeaderboardRow, type StageCost } from './leaderboard.js';
export { lineage, programDetail, type LineageStep, type ProgramDetail } from './lineage.js';
export { diffLines, unifiedDiff, type DiffLine } from './line-diff.js';
export { rateSeries, runSeries, runTotals, thinSeries, type RatePoint, type RunTotals, type SeriesPoint } from './run-stats.js';
export { formatDetail, formatLeaderboard } from './inspect-text.js';
export { describeEvaluator, evaluatorCounts, type EvaluatorCount } from './evaluators.js';
export { renderPlots, type PlotInputs, type RenderedPlot } from './plots.js';
export { reportHtml, type ReportOptions } from './report-html.js';
