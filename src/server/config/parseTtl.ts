/** The longest token the handler issues: a browser needs a token only to connect, and LiveKit refreshes it during a session. */
const MAX_TTL_SECONDS = 24 * 60 * 60;

const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** jose's duration units (what `livekit-server-sdk` passes strings to), without years, signs or "ago". */
const DURATION = /^(\d+(?:\.\d+)?) ?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)$/i;

/**
 * A token lifetime as whole seconds: a positive finite number of seconds, or a duration string
 * such as `'10m'`, `'90 s'`, `'1.5h'` or `'1 day'` — at least 1 s and at most 24 h, rounded to
 * whole seconds once within those bounds. Anything else is a configuration mistake
 * (`Number(process.env.TTL)` with the variable unset is `NaN`, which `livekit-server-sdk` would
 * silently turn into 6 hours), so it throws with the value.
 *
 * @throws {TypeError} naming the value.
 * @example
 * ```ts
 * parseTtl('10m'); // 600
 * parseTtl(90); // 90
 * ```
 */
export function parseTtl(ttl: number | string): number {
  const seconds = typeof ttl === 'number' ? ttl : typeof ttl === 'string' ? durationSeconds(ttl.trim()) : Number.NaN;
  // The bounds hold for the value given, before rounding: 0.5 s is less than 1 s.
  if (!(seconds >= 1 && seconds <= MAX_TTL_SECONDS)) {
    const shown = typeof ttl === 'string' ? `"${ttl}"` : String(ttl);
    throw new TypeError(
      `createTokenHandler: \`ttl\` must be a number of seconds or a duration such as '10m' or '1h', from 1 s to 24 h; got ${shown}.`,
    );
  }
  return Math.round(seconds);
}

function durationSeconds(text: string): number {
  const match = DURATION.exec(text);
  if (!match) return Number.NaN;
  const unit = match[2]!.toLowerCase()[0]!;
  return Number(match[1]) * SECONDS_PER_UNIT[unit]!;
}
