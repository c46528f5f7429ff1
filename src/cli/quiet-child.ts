// Runs a GPU-using command in a child process whose stderr passes through DawnLogFilter, so Dawn's own
// diagnostics (printed by native code straight to file descriptor 2, out of Node's reach) stay off a
// user's terminal. Only on a terminal and without --verbose: pipes and logs get the process as it is.
import { spawn } from 'node:child_process';
import { DawnLogFilter, gpuChildEnvironment } from '../tasks/index.js';

/** Commands that open a WebGPU device in their own process. */
const GPU_COMMANDS = new Set(['eval', 'worker']);
const CHILD_MARK = 'SYMEVO_QUIET_CHILD';

/** The child's exit code, or undefined when the command should run in this process. */
export async function runInQuietChild(argv: readonly string[]): Promise<number | undefined> {
  if (process.env[CHILD_MARK] === '1') {
    // The parent relays our stderr to its terminal: draw progress bars as on a terminal.
    if (process.env['SYMEVO_STDERR_TTY'] === '1') Object.assign(process.stderr, { isTTY: true, columns: Number(process.env['SYMEVO_STDERR_COLUMNS'] ?? 80) });
    return undefined;
  }
  const command = argv[2];
  if (command === undefined || !GPU_COMMANDS.has(command) || argv.includes('--verbose') || !process.stderr.isTTY) return undefined;
  const child = spawn(process.execPath, [...process.execArgv, ...argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'pipe'],
    env: { ...gpuChildEnvironment(process.env), [CHILD_MARK]: '1', SYMEVO_STDERR_TTY: '1', SYMEVO_STDERR_COLUMNS: String(process.stderr.columns ?? 80) },
  });
  child.stderr.pipe(new DawnLogFilter()).pipe(process.stderr, { end: false });
  // Ctrl-C reaches the child from the terminal itself; a SIGTERM sent to us is passed on.
  const ignore = () => {};
  const forward = () => child.kill('SIGTERM');
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1))));
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', forward);
  }
}
