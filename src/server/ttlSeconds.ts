const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800, y: 31_557_600 };
/** The duration strings livekit-server-sdk accepts (jose's): `'10m'`, `'2 hours'`, `'1.5h'`, `'90s'`. */
const DURATION = /^(\d+|\d+\.\d+) ?(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)$/i;

/**
 * A token lifetime in whole seconds, read the way livekit-server-sdk reads `ttl` (a number is
 * seconds; a string is a duration), so the same option gives the same `exp`. `undefined` when
 * it is not a positive duration.
 *
 * @example
 * ```ts
 * ttlSeconds('10m'); // 600
 * ttlSeconds(90); // 90
 * ```
 */
export function ttlSeconds(ttl: number | string): number | undefined {
  const match = DURATION.exec(typeof ttl === 'number' ? `${ttl}s` : ttl);
  if (!match) return undefined;
  const unit = match[2]!.toLowerCase();
  const seconds = Math.round(Number.parseFloat(match[1]!) * UNIT_SECONDS[unit.startsWith('mi') || unit === 'm' ? 'm' : unit[0]!]!);
  return seconds > 0 ? seconds : undefined;
}
