// Exit codes shared by every command, and the error type for bad command-line input.

/** Bad input: an invalid program, file or option. */
export const EXIT_USAGE = 2;
/** The command ran but the work failed (e.g. no GPU adapter when one was required). */
export const EXIT_FAILURE = 1;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}
