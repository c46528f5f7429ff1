// `symevo doctor`'s data: versions, libraries, every adapter Dawn offers on each backend, and which one `auto` takes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadDawn, releaseInstance, retainInstance, type DawnModule } from './dawn.js';
import { messageOf, oneLine } from './errors.js';
import { dawnOptionsFromEnvironment, prepareGpuEnvironment } from './environment.js';
import {
  AUTO_ROUTES, DOCTOR_ROUTES, customRoutes, passedOverBecause,
  type AdapterRoute, type AdapterSummary, type FeatureLevel,
} from './adapter-routes.js';
import { chooseAdapter, probeRoute, requestComputeDevice, type FoundAdapter, type ProbeOutcome } from './adapter-probe.js';
import { diagnoseRoute, graphicsLibraries, installAdvice, vulkanDrivers, type LibraryCheck } from './system-libraries.js';
import { smokeTest, type SmokeTestResult } from './smoke-test.js';

export interface DoctorAdapter {
  readonly route: string;
  readonly dawnOptions: readonly string[];
  readonly requestedFeatureLevel: FeatureLevel;
  readonly adapter: AdapterSummary | null;
  readonly status: 'chosen' | 'passed-over' | 'missing';
  /** Why chosen, why passed over, or why no adapter came. */
  readonly note: string;
}

export interface DoctorReport {
  readonly node: string;
  readonly platform: string;
  readonly webgpuPackage: { readonly version: string | null; readonly path: string | null; readonly loadError: string | null };
  readonly environment: Readonly<Record<string, string | null>>;
  readonly libraries: readonly LibraryCheck[];
  readonly vulkanDrivers: readonly string[];
  readonly adapters: readonly DoctorAdapter[];
  /** What `--backend auto` would use, or null for the CPU. */
  readonly choice: { readonly route: string; readonly device: string; readonly featureLevel: FeatureLevel; readonly why: string } | null;
  readonly smokeTest: SmokeTestResult | null;
  readonly advice: readonly string[];
}

export interface DoctorOptions {
  /** Run a small kernel on the chosen adapter and check its result (default true). */
  readonly smokeTest?: boolean;
}

const ENVIRONMENT_NAMES = ['SYMEVO_BACKEND', 'SYMEVO_DAWN_OPTIONS', 'EGL_PLATFORM', 'LD_LIBRARY_PATH', 'DISPLAY', 'WAYLAND_DISPLAY', 'VK_ICD_FILENAMES'];

/** Probes every backend; never throws for a missing library and leaves no device alive. */
export async function doctorReport(options: DoctorOptions = {}): Promise<DoctorReport> {
  // Read before prepareGpuEnvironment, so the report shows what the user set.
  const environment = Object.fromEntries(ENVIRONMENT_NAMES.map((name) => [name, process.env[name] ?? null]));
  prepareGpuEnvironment();
  const base = {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    environment,
    libraries: graphicsLibraries(),
    vulkanDrivers: process.platform === 'linux' ? vulkanDrivers() : [],
  };
  const loaded = await loadDawn();
  const webgpuPackage = { ...webgpuPackageVersion(), loadError: loaded.ok ? null : loaded.reason };
  if (!loaded.ok) {
    return { ...base, webgpuPackage, adapters: [], choice: null, smokeTest: null, advice: ['npm install webgpu (a prebuilt dawn.node for this platform is needed)'] };
  }
  const custom = dawnOptionsFromEnvironment();
  const autoRoutes = custom === undefined ? AUTO_ROUTES : customRoutes(custom);
  const outcomes = await probeAll(loaded.dawn, custom === undefined ? DOCTOR_ROUTES : [...autoRoutes, ...DOCTOR_ROUTES]);
  const chosen = chooseAdapter(outcomes.filter((outcome) => autoRoutes.some((route) => sameRoute(route, outcome.route))));
  const adapters = outcomes.map((outcome) => describeOutcome(outcome, chosen));
  const smoke = chosen !== undefined && options.smokeTest !== false ? await runSmokeTest(chosen) : null;
  const choice = chosen === undefined ? null : {
    route: chosen.route.name,
    device: chosen.summary.device,
    featureLevel: chosen.summary.featureLevel,
    why: whyChosen(chosen),
  };
  const advice = chosen === undefined ? installAdvice() : [];
  if (chosen === undefined && advice.length === 0) advice.push('no adapter and nothing missing on disk that we know of: see the reasons per backend, and Dawn\'s warnings on stderr');
  return { ...base, webgpuPackage, adapters, choice, smokeTest: smoke, advice };
}

/** One probe at a time: Dawn's backends are not known to like concurrent discovery. */
async function probeAll(dawn: DawnModule, routes: readonly AdapterRoute[]): Promise<ProbeOutcome[]> {
  const outcomes: ProbeOutcome[] = [];
  for (const route of routes) outcomes.push(await probeRoute(dawn, route));
  return outcomes;
}

function sameRoute(a: AdapterRoute, b: AdapterRoute): boolean {
  return a.name === b.name && a.featureLevel === b.featureLevel && a.dawnOptions.join(',') === b.dawnOptions.join(',');
}

function describeOutcome(outcome: ProbeOutcome, chosen: FoundAdapter | undefined): DoctorAdapter {
  const common = { route: outcome.route.name, dawnOptions: outcome.route.dawnOptions, requestedFeatureLevel: outcome.route.featureLevel };
  if (!outcome.found) {
    const note = outcome.reason === 'no adapter'
      ? `no adapter: ${diagnoseRoute(outcome.route.name, outcome.route.dawnOptions, outcome.route.featureLevel)}`
      : outcome.reason;
    return { ...common, adapter: null, status: 'missing', note };
  }
  if (outcome === chosen) return { ...common, adapter: outcome.summary, status: 'chosen', note: whyChosen(outcome) };
  const note = chosen === undefined
    ? "Dawn's null backend computes nothing"
    : passedOverBecause(outcome.route, outcome.summary, chosen.summary);
  return { ...common, adapter: outcome.summary, status: 'passed-over', note };
}

function whyChosen(chosen: FoundAdapter): string {
  const { summary, route } = chosen;
  if (!summary.isSoftware) return `hardware adapter in ${summary.featureLevel} mode`;
  if (route.name === 'opengles') return "no hardware adapter; Mesa's llvmpipe through OpenGL ES (compatibility mode) runs kernels on the CPU cores";
  return 'no hardware adapter; a software adapter runs kernels on the CPU cores';
}

/** Opens a device on the chosen adapter, runs one kernel, and destroys the device before returning. */
async function runSmokeTest(chosen: FoundAdapter): Promise<SmokeTestResult> {
  let device: GPUDevice;
  try {
    device = await requestComputeDevice(chosen.adapter, 'symevo doctor');
  } catch (thrown) {
    return { ok: false, detail: `requestDevice failed: ${oneLine(messageOf(thrown))}`, milliseconds: 0 };
  }
  retainInstance(chosen.instance);
  try {
    return await smokeTest(device);
  } finally {
    device.destroy();
    releaseInstance(chosen.instance);
  }
}

function webgpuPackageVersion(): { version: string | null; path: string | null } {
  try {
    const path = createRequire(import.meta.url).resolve('webgpu/package.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
    return { version: typeof manifest.version === 'string' ? manifest.version : null, path };
  } catch {
    return { version: null, path: null };
  }
}
