import type { CustomTokenSourceConfig } from './CustomTokenSourceConfig.js';

/** The settings of a live source that `configure` may change, defaults filled in. */
export type ResolvedConfig = Required<Omit<CustomTokenSourceConfig, 'queryClient' | 'scope' | 'initialToken' | 'onEvent'>> &
  Pick<CustomTokenSourceConfig, 'onEvent'>;

/** Fills in the documented defaults; a `cacheSize` below 1 counts as 1 (the current token is always kept). */
export function resolveConfig(config: CustomTokenSourceConfig): ResolvedConfig {
  return {
    cacheSize: Math.max(1, Math.floor(config.cacheSize ?? 8)),
    timeoutMs: config.timeoutMs ?? 10_000,
    refreshMarginMs: config.refreshMarginMs ?? 60_000,
    retries: config.retries ?? 2,
    retryDelayMs: config.retryDelayMs ?? 500,
    maxRetryDelayMs: config.maxRetryDelayMs ?? 8_000,
    onEvent: config.onEvent,
  };
}
