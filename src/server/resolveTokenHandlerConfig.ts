import type { TokenHandlerConfig } from './types.js';

/**
 * A {@link TokenHandlerConfig} with its defaults filled in and checked.
 *
 * @example
 * ```ts
 * const { ttl, maxBodyBytes }: ResolvedTokenHandlerConfig = resolveTokenHandlerConfig(config);
 * ```
 */
export type ResolvedTokenHandlerConfig = Required<Pick<TokenHandlerConfig, 'authorize' | 'apiKey' | 'apiSecret' | 'serverUrl' | 'ttl' | 'maxBodyBytes' | 'onError'>> &
  Pick<TokenHandlerConfig, 'rooms' | 'agents' | 'cors'>;

/**
 * Fills in the defaults (credentials from `LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET`, `LIVEKIT_URL`)
 * and fails at creation, not at the first request, when something is missing or wrong. No
 * message repeats the secret.
 *
 * @throws {TypeError} naming the missing or invalid option.
 * @example
 * ```ts
 * const resolved = resolveTokenHandlerConfig({ authorize: () => ({ identity: 'alice' }) });
 * ```
 */
export function resolveTokenHandlerConfig(config: TokenHandlerConfig): ResolvedTokenHandlerConfig {
  if (typeof config?.authorize !== 'function') {
    throw new TypeError(
      'createTokenHandler: `authorize(request, body)` is required — it decides who the caller is (return { identity }) or refuses (return null).',
    );
  }
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const apiKey = config.apiKey ?? env.LIVEKIT_API_KEY;
  const apiSecret = config.apiSecret ?? env.LIVEKIT_API_SECRET;
  const serverUrl = config.serverUrl ?? env.LIVEKIT_URL;
  if (!apiKey) throw missing('apiKey', 'LIVEKIT_API_KEY');
  if (!apiSecret) throw missing('apiSecret', 'LIVEKIT_API_SECRET');
  if (!serverUrl) throw missing('serverUrl', 'LIVEKIT_URL');
  if (!/^(wss?|https?):\/\/[^/]/.test(serverUrl)) {
    throw new TypeError(`createTokenHandler: \`serverUrl\` must be a wss://, ws://, https:// or http:// URL, got "${serverUrl}".`);
  }
  const maxBodyBytes = config.maxBodyBytes ?? 16_384;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new TypeError(`createTokenHandler: \`maxBodyBytes\` must be a positive integer, got ${String(maxBodyBytes)}.`);
  }
  return {
    authorize: config.authorize,
    apiKey,
    apiSecret,
    serverUrl,
    ttl: config.ttl ?? '10m',
    maxBodyBytes,
    rooms: config.rooms,
    agents: config.agents,
    cors: config.cors,
    onError: config.onError ?? logError,
  };
}

/** The default `onError`: one line on the server's console, so an internal failure is never silent. */
function logError(error: unknown, request: Request): void {
  console.error(`[livekit-custom-token-react/server] ${request.method} ${new URL(request.url).pathname} failed:`, error);
}

function missing(option: string, variable: string): TypeError {
  return new TypeError(`createTokenHandler: no LiveKit ${option} — pass \`${option}\` or set the ${variable} environment variable.`);
}
