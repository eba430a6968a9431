/**
 * Capped exponential backoff with jitter: retry `n` (0 for the first) waits between half and
 * all of `min(baseMs * 2^n, maxMs)`, so clients that failed together do not retry together.
 */
export function retryDelayMs(retryIndex: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(baseMs * 2 ** retryIndex, maxMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
