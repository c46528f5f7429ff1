// `symevo doctor`: what WebGPU adapters this machine offers, which one `--backend auto` takes, and what to install.
import type { Command } from 'commander';
import { doctorReport, type DoctorAdapter, type DoctorReport } from '../../gpu/index.js';
import { EXIT_FAILURE } from '../exit.js';

interface DoctorFlags {
  readonly json?: boolean;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('report the WebGPU adapters found, which one --backend auto uses, and what is missing')
    .option('--json', 'print one JSON document instead of text')
    .action(async (flags: DoctorFlags) => {
      const report = await doctorReport();
      process.stdout.write(flags.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report));
      process.exitCode = doctorExitCode(report);
    });
}

/** 0 when `auto` finds an adapter that passes the smoke test, else EXIT_FAILURE. */
export function doctorExitCode(report: DoctorReport): number {
  if (report.choice === null) return EXIT_FAILURE;
  return report.smokeTest?.ok === false ? EXIT_FAILURE : 0;
}

const LIMITS_SHOWN = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
] as const;

export function formatDoctorReport(report: DoctorReport): string {
  const lines: string[] = [];
  const webgpu = report.webgpuPackage;
  lines.push(`node     ${report.node} (${report.platform})`);
  lines.push(`webgpu   ${webgpu.version ?? 'not found'}${webgpu.path === null ? '' : ` (${webgpu.path})`}`);
  if (webgpu.loadError !== null) lines.push(`         ${webgpu.loadError}`);
  const setVariables = Object.entries(report.environment).filter(([, value]) => value !== null);
  lines.push(`env      ${setVariables.length === 0 ? '(none of note set)' : setVariables.map(([name, value]) => `${name}=${value}`).join(' ')}`);
  if (report.platform.startsWith('linux') && report.environment['EGL_PLATFORM'] === null) {
    lines.push('         EGL_PLATFORM unset: symevo sets surfaceless for its own process');
  }
  if (report.libraries.length > 0) {
    lines.push('', 'libraries');
    for (const library of report.libraries) {
      const where = library.path ?? `missing (Debian package ${library.debianPackage})`;
      lines.push(`  ${library.file.padEnd(20)} ${where}`);
    }
    lines.push(`  vulkan drivers       ${report.vulkanDrivers.length === 0 ? 'none' : report.vulkanDrivers.join(', ')}`);
  }
  lines.push('', 'adapters');
  for (const entry of report.adapters) lines.push(...formatAdapter(entry));
  lines.push('');
  if (report.choice === null) {
    lines.push('auto     no adapter: the cpu backend will be used');
  } else {
    lines.push(`auto     ${report.choice.route}: ${report.choice.device} (${report.choice.featureLevel}): ${report.choice.why}`);
  }
  if (report.smokeTest !== null) {
    const verdict = report.smokeTest.ok ? 'ok' : 'FAILED';
    lines.push(`smoke    ${verdict}: ${report.smokeTest.detail} (${report.smokeTest.milliseconds} ms)`);
  }
  if (report.adapters.some((entry) => entry.adapter === null)) {
    lines.push("note     Dawn's warnings on stderr about backends it cannot open are expected");
  }
  if (report.advice.length > 0) {
    lines.push('', 'to install');
    for (const advice of report.advice) lines.push(`  ${advice}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatAdapter(entry: DoctorAdapter): string[] {
  const options = entry.dawnOptions.length === 0 ? 'create([])' : `create([${entry.dawnOptions.join(', ')}])`;
  const head = `  ${entry.route} (${entry.requestedFeatureLevel}, ${options})`;
  const adapter = entry.adapter;
  if (adapter === null) return [head, `      ${entry.note}`];
  const name = [adapter.vendor, adapter.architecture, adapter.device].filter((part) => part !== '').join(' ');
  const kind = `${adapter.isSoftware ? 'software' : 'hardware'}, ${adapter.featureLevel} mode, fallback adapter: ${adapter.isFallbackAdapter ? 'yes' : 'no'}`;
  const limits = LIMITS_SHOWN.map((limit) => `${limit} ${formatLimit(limit, adapter.limits[limit])}`);
  return [
    head,
    `      ${entry.status === 'chosen' ? 'CHOSEN' : 'passed over'}: ${entry.note}`,
    `      ${name}${adapter.description === '' ? '' : ` (${adapter.description})`}`,
    `      ${kind}`,
    ...chunk(limits, 3).map((group) => `      ${group.join(', ')}`),
  ];
}

const BYTE_LIMITS: ReadonlySet<string> = new Set(['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize']);

/** Byte-sized limits read better in binary units. */
function formatLimit(limit: string, value: number): string {
  if (!BYTE_LIMITS.has(limit)) return String(value);
  const units = [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const;
  for (const [unit, size] of units) {
    if (value >= size && value % size === 0) return `${value / size} ${unit}`;
  }
  return String(value);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let start = 0; start < items.length; start += size) groups.push(items.slice(start, start + size));
  return groups;
}
