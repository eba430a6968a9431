import { ttlSeconds } from './ttlSeconds.js';
import type { TokenHandlerConfig } from './types.js';

/**
 * A {@link TokenHandlerConfig} with its defaults filled in and checked. Credentials stay as
 * given: those not passed are read per request (see `resolveCredentials`).
 *
 * @example
 * ```ts
 * const { ttlSeconds, maxBodyBytes }: ResolvedTokenHandlerConfig = resolveTokenHandlerConfig(config);
 * ```
 */
export type ResolvedTokenHandlerConfig = Required<Pick<TokenHandlerConfig, 'authorize' | 'maxBodyBytes' | 'onError'>> &
  Pick<TokenHandlerConfig, 'apiKey' | 'apiSecret' | 'serverUrl' | 'rooms' | 'agents' | 'cors'> & { ttlSeconds: number };

/**
 * Fills in the defaults and fails at creation for what is wrong in the config itself: no
 * `authorize`, an empty or malformed credential passed in, a bad `ttl` or `maxBodyBytes`.
 * Credentials left out are not read here — a build (`next build`) has no secrets — but at the
 * first request, from the request's env bindings or the process environment. No message repeats
 * the secret.
 *
 * @throws {TypeError} naming the invalid option.
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
  for (const option of ['apiKey', 'apiSecret', 'serverUrl'] as const) {
    const problem = config[option] === undefined ? undefined : credentialProblem(option, config[option]);
    if (problem) throw new TypeError(`createTokenHandler: ${problem}`);
  }
  const ttl = config.ttl ?? '10m';
  const seconds = ttlSeconds(ttl);
  if (seconds === undefined) {
    throw new TypeError(`createTokenHandler: \`ttl\` must be a positive number of seconds or a duration such as '10m', got ${JSON.stringify(ttl)}.`);
  }
  const maxBodyBytes = config.maxBodyBytes ?? 16_384;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new TypeError(`createTokenHandler: \`maxBodyBytes\` must be a positive integer, got ${String(maxBodyBytes)}.`);
  }
  return {
    authorize: config.authorize,
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
    serverUrl: config.serverUrl,
    ttlSeconds: seconds,
    maxBodyBytes,
    rooms: config.rooms,
    agents: config.agents,
    cors: config.cors,
    onError: config.onError ?? logError,
  };
}

/**
 * What is wrong with a credential's value, or `undefined` when it is fine. Never repeats a
 * secret.
 *
 * @example
 * ```ts
 * credentialProblem('serverUrl', 'localhost:7880'); // '`serverUrl` must be a wss://, … URL, got "localhost:7880".'
 * ```
 */
export function credentialProblem(option: 'apiKey' | 'apiSecret' | 'serverUrl', value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return `\`${option}\` must be a non-empty string.`;
  if (option === 'serverUrl' && !/^(wss?|https?):\/\/[^/]/.test(value)) {
    return `\`serverUrl\` must be a wss://, ws://, https:// or http:// URL, got "${value}".`;
  }
  return undefined;
}

/** The default `onError`: one line on the server's console, so an internal failure is never silent. */
function logError(error: unknown, request: Request): void {
  console.error(`[livekit-custom-token-react/server] ${request.method} ${new URL(request.url).pathname} failed:`, error);
}
