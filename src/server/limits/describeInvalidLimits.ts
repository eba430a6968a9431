import { MAX_TIMER_MS } from '../../core/timerDelay.js';
import type { TokenLimitStore } from './types.js';

/**
 * The longest window the memory store counts: rate-limiter-flexible forgets a window in memory
 * with one timer of its length, and a longer timer fires after 1 ms — every count would open a
 * new window. Redis keys expire by themselves, so a Redis store has no such bound.
 */
const MEMORY_WINDOW_MAX_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/**
 * What is wrong with a `limits` value, or `undefined` when it is a valid `TokenLimits`: each
 * limit a positive integer per a whole number of seconds (in memory, no longer than its timers
 * hold: about 24.8 days), and no unknown key (a misspelt `agentDispatch` would otherwise limit
 * nothing without a word).
 *
 * @example
 * ```ts
 * describeInvalidLimits({ tokens: { limit: 0, windowSeconds: 60 } }); // '`tokens.limit` must be a positive integer, got 0'
 * ```
 */
export function describeInvalidLimits(limits: unknown, limitStore?: TokenLimitStore): string | undefined {
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits))
    return `must be an object such as { tokens: { limit: 10, windowSeconds: 60 } }, got ${shown(limits)}`;
  for (const [name, rule] of Object.entries(limits)) {
    if (name !== 'tokens' && name !== 'agentDispatches') return `has an unknown key \`${name}\` (known: tokens, agentDispatches)`;
    if (rule === undefined) continue;
    if (typeof rule !== 'object' || rule === null) return `\`${name}\` must be { limit, windowSeconds }, got ${shown(rule)}`;
    const { limit, windowSeconds } = rule as Record<string, unknown>;
    if (!isPositiveInteger(limit)) return `\`${name}.limit\` must be a positive integer, got ${shown(limit)}`;
    if (!isPositiveInteger(windowSeconds))
      return `\`${name}.windowSeconds\` must be a positive integer (whole seconds), got ${shown(windowSeconds)}`;
    if (limitStore === 'memory' && (windowSeconds as number) > MEMORY_WINDOW_MAX_SECONDS)
      return `\`${name}.windowSeconds\` ${windowSeconds as number} is longer than the memory limit store can count (${MEMORY_WINDOW_MAX_SECONDS} s, about 24.8 days): count such a window in Redis (\`limitStore: { redis }\`)`;
  }
  return undefined;
}

function isPositiveInteger(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

function shown(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'bigint') return `${value}n`;
  if (
    typeof value === 'object' &&
    // Stryker disable next-line ConditionalExpression: JSON.stringify(null) and String(null) are both 'null'; this only narrows the type
    value !== null
  ) {
    try {
      return JSON.stringify(value);
    } catch {
      // A cycle, or a BigInt inside.
      return 'an object JSON cannot show';
    }
  }
  return String(value);
}
