// `symevo report runs/NAME [--out FILE] [--top N]`: writes the run's self-contained report.html.
import { join } from 'node:path';
import type { Command } from 'commander';
import { reportHtml } from '../../report/index.js';
import { writeFileAtomic } from '../../search/index.js';
import { UsageError } from '../exit.js';
import { positiveInteger } from '../options.js';
import { loadRun } from './inspect-run.js';

export const REPORT_FILE = 'report.html';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report of a run: plots, top programs with classifier verdicts, lineage')
    .argument('<dir>', 'run directory (runs/NAME)')
    .option('--out <file>', `where to write it (default: <dir>/${REPORT_FILE})`)
    .option('--top <n>', 'programs shown with their classifier verdicts', positiveInteger, 5)
    .action((dir: string, options: { out?: string; top: number }) => {
      const run = loadRun(dir);
      const out = options.out ?? join(dir, REPORT_FILE);
      const html = reportHtml(run, { top: options.top });
      try {
        writeFileAtomic(out, html);
      } catch (error) {
        throw new UsageError(`cannot write ${out}: ${(error as Error).message}`);
      }
      process.stdout.write(`${out}\n`);
    });
}
