import { credentialProblem } from './credentialProblem.js';
import { credentialPairProblem } from './credentialPairProblem.js';
import { createTokenLimiter, type TokenLimiter } from '../limits/createTokenLimiter.js';
import { parseTtl } from './parseTtl.js';
import { shortSecretWarning } from './shortSecretWarning.js';
import type { TokenHandlerConfig, TokenHandlerCorsConfig } from '../types.js';
import type { IORedisClientLike, NodeRedisClientLike } from '../limits/types.js';
import { isRedisCluster, startsEmptyHashTag } from '../limits/windowKeys.js';

/**
 * A {@link TokenHandlerConfig} with its defaults filled in and checked. Credentials stay as
 * given: those not passed are read per request (see `resolveCredentials`).
 *
 * @example
 * ```ts
 * const { ttl, maxBodyBytes }: ResolvedTokenHandlerConfig = resolveTokenHandlerConfig(config);
 * ```
 */
export type ResolvedTokenHandlerConfig = Required<
  Pick<TokenHandlerConfig, 'authorize' | 'maxBodyBytes' | 'bodyTimeoutMs' | 'authorizeTimeoutMs' | 'maxAgentsPerToken'>
> &
  Pick<TokenHandlerConfig, 'apiKey' | 'apiSecret' | 'serverUrl' | 'rooms' | 'agents' | 'cors'> & {
    /** Whole seconds. */
    ttl: number;
    /** The app's `onError` (or the default), made quiet: it never throws, and a rejection it returns is handled. */
    onError: (error: unknown, request: Request) => void;
    /** Present when `limits` is set. */
    limiter?: TokenLimiter;
    /** Warns (once per secret) of an API secret shorter than LiveKit asks for, named `name`: see `shortSecretWarning`. */
    checkSecretLength: (apiKey: string, apiSecret: string, name: string) => void;
  };

/**
 * Fills in the defaults and fails at creation for what is wrong in the config itself: no
 * `authorize`, an empty or malformed credential passed in, a key and secret passed in that would
 * put the secret in every token (see `credentialPairProblem`), a bad `ttl`, `maxBodyBytes`,
 * `bodyTimeoutMs` or `authorizeTimeoutMs`, a `rooms` or `agents` policy that is neither a list of
 * names nor a function, an `agents` list holding `''` (LiveKit's unnamed agent: see
 * `RequestedAgent`), a CORS origin that could never match, a bad `limitStore` or
 * `onLimitStoreError` (with `limits` or without: a valid one without `limits` is accepted, for
 * limits set only in some environments).
 * Credentials left out are not read here — a build (`next build`) has no secrets — but at the
 * first request, from the request's env bindings or the process environment. No message repeats
 * the secret. A secret shorter than LiveKit asks for is only warned about (`shortSecretWarning`):
 * here when passed in with its key, else at the first request.
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
  const pairProblem =
    config.apiKey !== undefined && config.apiSecret !== undefined
      ? credentialPairProblem(config.apiKey, config.apiSecret, ['`apiKey`', '`apiSecret`'])
      : undefined;
  if (pairProblem) throw new TypeError(`createTokenHandler: ${pairProblem}`);
  const checkSecretLength = warnOfShortSecret();
  // Passed in, a short secret is told of at once, when the server starts; read per request, at the first.
  if (config.apiKey !== undefined && config.apiSecret !== undefined) checkSecretLength(config.apiKey, config.apiSecret, '`apiSecret`');
  const ttl = parseTtl(config.ttl ?? '10m');
  const maxBodyBytes = positiveInteger(config.maxBodyBytes ?? 16_384, 'maxBodyBytes');
  const bodyTimeoutMs = positiveInteger(config.bodyTimeoutMs ?? 10_000, 'bodyTimeoutMs');
  const authorizeTimeoutMs = positiveInteger(config.authorizeTimeoutMs ?? 10_000, 'authorizeTimeoutMs');
  const maxAgentsPerToken = config.maxAgentsPerToken ?? 1;
  if (!Number.isSafeInteger(maxAgentsPerToken) || maxAgentsPerToken < 0) {
    throw new TypeError(`createTokenHandler: \`maxAgentsPerToken\` must be an integer of 0 or more, got ${shown(maxAgentsPerToken)}.`);
  }
  checkPolicy(config.rooms, 'rooms', 'room', 'standup');
  checkPolicy(config.agents, 'agents', 'agent', 'support-agent');
  checkNoUnnamedAgent(config.agents);
  if (config.cors !== undefined) checkCors(config.cors);
  if (config.onError !== undefined && typeof config.onError !== 'function') {
    throw new TypeError(`createTokenHandler: \`onError\` must be a function (error, request) => void, got ${shown(config.onError)}.`);
  }
  // Checked with `limits` or without: a bad value must not wait, unnoticed, for limits to be set.
  const limitStore = checkLimitStore(config.limitStore ?? 'memory');
  const onLimitStoreError = checkOnLimitStoreError(config.onLimitStoreError ?? 'deny');
  const onError = reportQuietly(config.onError ?? logError);
  return {
    authorize: config.authorize,
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
    serverUrl: config.serverUrl,
    ttl,
    maxBodyBytes,
    bodyTimeoutMs,
    authorizeTimeoutMs,
    maxAgentsPerToken,
    rooms: config.rooms,
    agents: config.agents,
    cors: config.cors,
    onError,
    checkSecretLength,
    ...(config.limits !== undefined && {
      limiter: createTokenLimiter({
        limits: config.limits,
        limitStore,
        onLimitStoreError,
        onError,
      }),
    }),
  };
}

/**
 * A policy is a list of names or a function. Anything else — a single name (`'standup'`), whose
 * `includes` would match any part of it, or an object — would allow what the app meant to refuse.
 */
function checkPolicy(policy: unknown, option: 'rooms' | 'agents', thing: string, example: string): void {
  if (policy === undefined || typeof policy === 'function') return;
  if (Array.isArray(policy) && policy.every((name) => typeof name === 'string')) return;
  throw new TypeError(
    `createTokenHandler: \`${option}\` must be a list of ${thing} names (['${example}']) or a function (${thing}, context) => boolean, got ${shown(policy)}.`,
  );
}

/**
 * `''` in a list of agent names is no name: it allows the entries without `agent_name`, which
 * LiveKit dispatches to the agent workers registered without a name (automatic dispatch). A list
 * gets it by accident — an empty variable split on commas (`''.split(',')` is `['']`), a trailing
 * comma — so it is refused; a function says it on purpose.
 */
function checkNoUnnamedAgent(policy: TokenHandlerConfig['agents']): void {
  if (!Array.isArray(policy) || !policy.includes('')) return;
  throw new TypeError(
    "createTokenHandler: `agents` lists '': that would let callers dispatch LiveKit's agent registered without a name " +
      '(automatic dispatch), which a room_config.agents entry without agent_name asks for — an empty variable split on commas ' +
      "gives this list. Leave '' out; to allow that agent on purpose, write a function: (agent) => agent.agentName === ''.",
  );
}

/**
 * `origin: '*'` with credentials would hand any website a signed-in visitor's token, and so would
 * `'null'`: the origin that sandboxed iframes and `data:` pages on any site send. Both are refused,
 * with what to write instead.
 */
function checkCors({ origin, credentials, maxAgeSeconds }: TokenHandlerCorsConfig): void {
  const list = Array.isArray(origin) ? (origin as unknown[]) : undefined;
  if (typeof origin !== 'string' && typeof origin !== 'function' && !list?.every((item) => typeof item === 'string')) {
    throw new TypeError(
      `createTokenHandler: \`cors.origin\` must be '*', an origin, a list of origins or a function, got ${shown(origin)}.`,
    );
  }
  if (credentials && (origin === '*' || list?.includes('*'))) {
    throw new TypeError(
      "createTokenHandler: `cors: { origin: '*', credentials: true }` would let any website read a signed-in visitor's token " +
        '(the browser sends their cookies and hands the answer to the calling page). List the sites that may call the endpoint — ' +
        "`cors: { origin: ['https://app.example'], credentials: true }` — or drop `credentials` for an endpoint that needs no cookies.",
    );
  }
  if (credentials && (origin === 'null' || list?.includes('null'))) {
    throw new TypeError(
      "createTokenHandler: `cors.origin` 'null' with credentials would let any website read a signed-in visitor's token: sandboxed " +
        'iframes and data: pages anywhere send `Origin: null`. List the sites that may call the endpoint by their real origins.',
    );
  }
  if (list?.includes('*')) throw new TypeError("createTokenHandler: `cors.origin` lists '*': write `origin: '*'` to allow every origin.");
  // A list holds only strings (checked above).
  for (const entry of (list as string[] | undefined) ?? (typeof origin === 'string' ? [origin] : [])) {
    if (entry !== '*' && entry !== 'null') checkOrigin(entry);
  }
  if (maxAgeSeconds !== undefined && !(Number.isSafeInteger(maxAgeSeconds) && maxAgeSeconds >= 0)) {
    throw new TypeError(`createTokenHandler: \`cors.maxAgeSeconds\` must be an integer of 0 or more, got ${shown(maxAgeSeconds)}.`);
  }
}

/**
 * A browser sends its origin as `scheme://host[:port]`: lower case, no default port, nothing after
 * (an extension's or an app shell's scheme, `chrome-extension://…`, as it is written). Listed any
 * other way (`https://app.example/`, copied from the address bar), an origin never matches, and
 * every cross-origin call fails with nothing but a CORS error in the browser's console.
 */
function checkOrigin(entry: string): void {
  let origin: string | undefined;
  try {
    const url = new URL(entry);
    // What `url.origin` is for http(s) and ws(s) (no default port); other schemes, whose origin is opaque ('null'), the browser sends as written.
    if (url.host) origin = `${url.protocol}//${url.host}`;
  } catch {
    // Not a URL at all: no origin to suggest.
  }
  if (origin === entry) return;
  throw new TypeError(
    `createTokenHandler: \`cors.origin\` "${entry}" is not an origin as browsers send it (scheme://host[:port], nothing after)${origin ? `: write "${origin}"` : ', such as "https://app.example"'}.`,
  );
}

/**
 * `checkSecretLength` for one handler: a `console.warn` for a short secret (`shortSecretWarning`),
 * once — credentials read per request are checked again only when the secret changes.
 */
function warnOfShortSecret(): ResolvedTokenHandlerConfig['checkSecretLength'] {
  let checked: string | undefined;
  return (apiKey, apiSecret, name) => {
    if (apiSecret === checked) return;
    checked = apiSecret;
    const warning = shortSecretWarning(apiKey, apiSecret, name);
    if (warning) console.warn(warning);
  };
}

function checkLimitStore(store: NonNullable<TokenHandlerConfig['limitStore']>): NonNullable<TokenHandlerConfig['limitStore']> {
  if (store === 'memory') return store;
  const redis = store.redis as Partial<IORedisClientLike & NodeRedisClientLike> | undefined;
  // A node-redis cluster says whether it is ready only from redis 6.2 on; open, an older one may still be finding its nodes.
  if (Array.isArray(redis?.masters) && typeof redis.isReady !== 'boolean') {
    throw new TypeError(
      'createTokenHandler: `limitStore.redis` is a node-redis cluster client without `isReady` (the `redis` package before 6.2), so the limits cannot tell a ready cluster from one still connecting: upgrade `redis` to 6.2 or later, or pass an ioredis `Cluster` (new Cluster([{ host, port }])).',
    );
  }
  if (typeof redis?.defineCommand !== 'function' && typeof redis?.isReady !== 'boolean') {
    throw new TypeError(
      "createTokenHandler: `limitStore` must be 'memory' or { redis } with an ioredis client (new Redis(url)) or a connected node-redis client (await createClient({ url }).connect()).",
    );
  }
  if (store.timeoutMs !== undefined) positiveInteger(store.timeoutMs, 'limitStore.timeoutMs');
  if (typeof store.keyPrefix === 'string' && isRedisCluster(store.redis) && startsEmptyHashTag(store.keyPrefix)) {
    throw new TypeError(
      `createTokenHandler: \`limitStore.keyPrefix\` ${shown(store.keyPrefix)} starts an empty hash tag ('{}'): on a Redis Cluster every key under it would hash whole, and a caller's window and its refunds would land in different slots. Leave the '{}' out, or put a name between the braces ('app{limits}:') to keep all the limits' keys in one slot.`,
    );
  }
  return store;
}

function checkOnLimitStoreError(mode: string): 'allow' | 'deny' {
  if (mode === 'allow' || mode === 'deny') return mode;
  throw new TypeError(`createTokenHandler: \`onLimitStoreError\` must be 'allow' or 'deny', got ${shown(mode)}.`);
}

function positiveInteger(value: number, option: string): number {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new TypeError(`createTokenHandler: \`${option}\` must be a positive integer, got ${shown(value)}.`);
  return value;
}

function shown(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (Array.isArray(value)) return `a list holding ${value.map((item) => shown(item)).join(', ') || 'nothing'}`;
  return typeof value === 'object' && value !== null ? 'an object' : String(value);
}

/**
 * `onError` as the handler and the limiter call it: logging never changes the response. A
 * logger that throws, or an async one that rejects (a log service that is down), is ignored; the
 * rejection would otherwise be unhandled, which ends a Node, Bun or Deno process.
 */
function reportQuietly(onError: NonNullable<TokenHandlerConfig['onError']>): ResolvedTokenHandlerConfig['onError'] {
  return (error, request) => {
    try {
      // Any promise it returns, one of another realm too (a logger in a vm context is not `instanceof Promise`).
      Promise.resolve(onError(error, request)).catch(() => {});
    } catch {
      // Logging must never change the response.
    }
  };
}

/** The default `onError`: one `console.error` call (method, path, the error), so an internal failure is never silent. */
function logError(error: unknown, request: Request): void {
  console.error(`[livekit-custom-token-react/server] ${request.method} ${pathOf(request.url)} failed:`, error);
}

/**
 * The path of `request.url`, without its query (which may carry a secret). Read as text, not with
 * `new URL`: for a request without a usable `Host` Bun hands over the path alone (HTTP/1.0 without
 * one, `Host:` empty) and Deno `http://a b/…` (`Host: a b`), neither of which parses, and the throw
 * would silence the log.
 */
function pathOf(url: string): string {
  return /^(?:[a-z][\w+.-]*:\/\/[^/?#]*)?([^?#]*)/i.exec(url)![1]!;
}
