import type { CustomTokenSourceConfig } from './CustomTokenSourceConfig.js';

/** The settings of a live source that `configure` may change, defaults filled in. */
export type ResolvedConfig = Required<Omit<CustomTokenSourceConfig, 'queryClient' | 'scope' | 'initialToken' | 'onEvent'>> &
  Pick<CustomTokenSourceConfig, 'onEvent'>;

const DEFAULTS = { cacheSize: 8, timeoutMs: 10_000, refreshMarginMs: 60_000, retries: 2, retryDelayMs: 500, maxRetryDelayMs: 8_000 };

/**
 * Fills in the documented defaults; a `cacheSize` below 1 counts as 1 (the current token is always kept).
 *
 * @throws {TypeError} naming the option, for a value that is not a number of 0 or more (for
 * `cacheSize`, not a number): a negative `refreshMarginMs` hands out tokens past their expiry, and
 * `NaN` in any of them refetches or wakes without pause.
 */
export function resolveConfig(config: CustomTokenSourceConfig): ResolvedConfig {
  const resolved: ResolvedConfig = { ...DEFAULTS, onEvent: config.onEvent };
  for (const option of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    resolved[option] = requireNumber(
      'CustomTokenSource',
      option,
      config[option] ?? resolved[option],
      option === 'cacheSize' ? -Infinity : 0,
    );
  }
  resolved.cacheSize = Math.max(1, Math.floor(resolved.cacheSize));
  return resolved;
}

/**
 * `value`, when it is a number of at least `min` (`NaN` never is); otherwise a `TypeError` naming
 * `option` of `owner` (that asks for 0 or more only when `min` is 0).
 */
export function requireNumber(owner: string, option: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !(value >= min)) {
    throw new TypeError(`${owner}: \`${option}\` must be a number${min ? '' : ', 0 or more'}, got ${typeof value} ${String(value)}.`);
  }
  return value;
}
