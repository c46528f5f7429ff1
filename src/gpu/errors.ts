// Error types of the GPU runtime: every Dawn failure surfaces as one of these, never as a crash or a hang.

/** What went wrong, in WebGPU's own terms where it has one. */
export type GpuErrorKind =
  | 'validation'
  | 'out-of-memory'
  | 'internal'
  | 'device-lost'
  | 'map-failed'
  | 'timeout';

/** One message of a shader's compilation info (1-based line and column, as Dawn reports them). */
export interface CompilerMessage {
  readonly type: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export interface GpuErrorDetails {
  /** The caller's name for the work, e.g. a candidate id; it prefixes the message. */
  readonly label?: string | undefined;
  /** The WGSL being compiled or run, so a report can show the shader beside the error. */
  readonly wgsl?: string | undefined;
  readonly compilerMessages?: readonly CompilerMessage[] | undefined;
  readonly cause?: unknown;
}

/** A failure reported by the device: Dawn's message, the caller's label and, for shaders, the WGSL. */
export class GpuError extends Error {
  override readonly name = 'GpuError';
  readonly kind: GpuErrorKind;
  readonly label: string | undefined;
  readonly wgsl: string | undefined;
  readonly compilerMessages: readonly CompilerMessage[];
  /** Dawn's message without our prefix. */
  readonly detail: string;

  constructor(kind: GpuErrorKind, detail: string, details: GpuErrorDetails = {}) {
    const trimmed = detail.trim();
    const prefix = details.label === undefined ? '' : `${details.label}: `;
    super(`${prefix}${kind} error: ${trimmed}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.detail = trimmed;
    this.label = details.label;
    this.wgsl = details.wgsl;
    this.compilerMessages = details.compilerMessages ?? [];
  }
}

/** No WebGPU adapter could be had; the message names what is missing. */
export class GpuUnavailableError extends Error {
  override readonly name = 'GpuUnavailableError';
  readonly reason: string;

  constructor(reason: string) {
    super(`no WebGPU adapter: ${reason}`);
    this.reason = reason;
  }
}

/** The message of anything thrown, for reasons built from caught values. */
export function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  return String(thrown);
}

/** A message folded onto one line, for reasons that are joined into one sentence. */
export function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}
