/** The longest delay timers keep: browsers and Node fire a longer `setTimeout` (`Infinity` too) after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `ms` as a delay timers honour: "longer than timers hold" waits as long as they can, never "now". */
export function timerDelay(ms: number): number {
  return Math.min(ms, MAX_TIMER_MS);
}
