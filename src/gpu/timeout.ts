// Bounds a native promise in time, so a driver that never answers becomes an error instead of a hang.

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** Resolves like `promise`, or rejects with a TimeoutError after `ms`; the timer never outlives the race. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
