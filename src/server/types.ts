import type { TokenLimitsPolicy, TokenLimitStore } from './limits/types.js';

/**
 * An agent the client asked to dispatch (one entry of `room_config.agents`).
 *
 * @example
 * ```ts
 * const agents: AgentPolicy = (agent: RequestedAgent) => agent.agentName === 'support-agent' && !agent.deployment;
 * ```
 */
export interface RequestedAgent {
  /**
   * The agent's name (`agent_name`); `''` when the entry gives none — which to LiveKit is no "no
   * agent": it dispatches the agent workers registered without a name (automatic dispatch, the
   * agent LiveKit also sends to every new room created without an agent dispatch). A list policy never
   * allows it (`createTokenHandler` refuses a list holding `''`); a function sees it and decides.
   */
  readonly agentName: string;
  /** The entry's `metadata` for the agent, when set. */
  readonly metadata?: string | undefined;
  /** The entry's `deployment`, when set. */
  readonly deployment?: string | undefined;
}

/**
 * A validated token request: LiveKit's standard endpoint body (`TokenSourceRequest`), read from
 * snake_case or camelCase (a field sent in both with two values is refused), with empty strings
 * dropped; names (room, identity, display name, agent name, deployment) hold no control
 * characters. Only `room_config.agents` is read from `room_config`; its other fields are ignored.
 *
 * @example
 * ```ts
 * const authorize = (request: Request, body: TokenRequestBody) => (body.roomName === 'lobby' ? { identity: 'guest' } : null);
 * ```
 */
export interface TokenRequestBody {
  /** The requested room (`room_name`). */
  readonly roomName?: string | undefined;
  /** The requested display name (`participant_name`). */
  readonly participantName?: string | undefined;
  /** The requested identity (`participant_identity`); used only when `authorize` allows it (`allowRequestedIdentity`). */
  readonly participantIdentity?: string | undefined;
  /** The requested participant metadata (`participant_metadata`). */
  readonly participantMetadata?: string | undefined;
  /** The requested participant attributes (`participant_attributes`). */
  readonly participantAttributes?: Readonly<Record<string, string>> | undefined;
  /** The agents to dispatch, from `room_config.agents` with repeats collapsed; empty when none was asked for. */
  readonly agents: readonly RequestedAgent[];
}

/**
 * The grants `authorize` may add to a token: livekit-server-sdk's `VideoGrant` without `room` and
 * `roomJoin` (the token's room is always the one the policies allowed), declared here so that an
 * app that does not install the optional `livekit-server-sdk` peer (a Worker, an Edge route) gets
 * them checked too. A `VideoGrant` from livekit-server-sdk fits.
 *
 * @example
 * ```ts
 * import { TrackSource } from 'livekit-server-sdk';
 *
 * const listener: ParticipantGrants = { canPublish: false, canPublishData: true };
 * const presenter: ParticipantGrants = { canPublishSources: [TrackSource.CAMERA, TrackSource.SCREEN_SHARE] };
 * ```
 */
export interface ParticipantGrants {
  /** Create rooms (a server API permission). */
  roomCreate?: boolean | undefined;
  /** List rooms (a server API permission). */
  roomList?: boolean | undefined;
  /** Record rooms (a server API permission). */
  roomRecord?: boolean | undefined;
  /** Administer the token's room (a server API permission). */
  roomAdmin?: boolean | undefined;
  /** Administer ingress (a server API permission). */
  ingressAdmin?: boolean | undefined;
  /** Publish tracks. @defaultValue true */
  canPublish?: boolean | undefined;
  /** When set, the only track sources it may publish: livekit-server-sdk's `TrackSource` values (`TrackSource.CAMERA` is `1`, `MICROPHONE` `2`, `SCREEN_SHARE` `3`, `SCREEN_SHARE_AUDIO` `4`). @defaultValue all */
  canPublishSources?: readonly number[] | undefined;
  /** Subscribe to others' tracks. @defaultValue true */
  canSubscribe?: boolean | undefined;
  /** Publish data messages. @defaultValue true */
  canPublishData?: boolean | undefined;
  /** Update its own name, metadata and attributes. @defaultValue false */
  canUpdateOwnMetadata?: boolean | undefined;
  /** Hidden from the room's other participants. */
  hidden?: boolean | undefined;
  /** A recorder. */
  recorder?: boolean | undefined;
  /** An agent participant. */
  agent?: boolean | undefined;
  /** Subscribe to metrics. */
  canSubscribeMetrics?: boolean | undefined;
  /** Manage agent sessions. */
  canManageAgentSession?: boolean | undefined;
  /** A room this participant may be forwarded to. */
  destinationRoom?: string | undefined;
}

/**
 * Who the caller is, as `authorize` decides. What it sets always wins over the request.
 *
 * @example
 * ```ts
 * const participant: AuthorizedParticipant = { identity: user.id, name: user.name, grants: { canPublish: user.isHost } };
 * ```
 */
export interface AuthorizedParticipant {
  /**
   * The token's identity (`sub`). Non-empty, at most 256 bytes of UTF-8 (LiveKit's limit), and well-formed UTF-16 (no
   * lone surrogate: LiveKit reads one as U+FFFD), as are the name, metadata and attributes; otherwise the request is a 500.
   * Those are strings (attributes an object of strings) or left out: a `null` column or a number passed on from a
   * database row is a 500 too, its `onError` message naming the field. Control characters, which the
   * request's names may not hold (400 `invalid_body`), pass here: LiveKit joins them, and the identities are the app's to choose.
   */
  identity: string;
  /** Display name. @defaultValue the requested `participant_name` */
  name?: string | undefined;
  /**
   * The token's participant metadata, at most 512 KiB of UTF-8. The whole token must also fit a
   * join (1 MiB: LiveKit's server answers a longer one 431), and JSON writes a control character
   * in 6 bytes, base64url a third more: past it the request is a 500 naming the parts, counted
   * against no limit. @defaultValue the requested `participant_metadata`
   */
  metadata?: string | undefined;
  /**
   * Merged over the requested `participant_attributes`; these keys win. No key named `__proto__`
   * (the body may not send one either: JavaScript readers of the attributes would take it for their
   * prototype); otherwise the request is a 500.
   */
  attributes?: Record<string, string> | undefined;
  /**
   * Grants on top of the defaults (`roomJoin`, `canPublish`, `canSubscribe`, `canPublishData`);
   * `room` is always the token's room. Each flag is a boolean: another value (`"false"`, `1`), which
   * LiveKit's server would refuse at join, is a 500 whose `onError` message names the grant.
   */
  grants?: ParticipantGrants | undefined;
  /**
   * Whether a requested `participant_identity` replaces {@link AuthorizedParticipant.identity}. When `false`, asking
   * for any other identity is refused with 403 `identity_not_allowed`. Only a boolean: another value (the string
   * `"false"`, which is truthy) is a 500 naming it, never a yes.
   * @defaultValue false
   */
  allowRequestedIdentity?: boolean | undefined;
}

/**
 * What a policy function sees besides the thing it rules on.
 *
 * @example
 * ```ts
 * // Whole names: a prefix test (`desk-${identity}-`) would let "al" into the desk of "al-ice".
 * const rooms: RoomPolicy = (room, { participant }: TokenPolicyContext) => room === `desk-${participant.identity}`;
 * ```
 */
export interface TokenPolicyContext {
  /** The caller, as `authorize` returned it. */
  readonly participant: AuthorizedParticipant;
  /** The validated request body. */
  readonly body: TokenRequestBody;
  /** The request being answered. */
  readonly request: Request;
  /**
   * Aborted when nobody waits for the policy any more: `authorizeTimeoutMs` has passed (its reason
   * the `authorize_timeout` error) or the caller went away. Pass it on to a lookup that takes one.
   * Made when first read: a policy that never reads it costs nothing. A copy of the context
   * (`{ ...context, participant }`, for a policy that wraps another) carries it too.
   */
  readonly signal: AbortSignal;
}

/**
 * What `authorize` gets besides the request and its body.
 *
 * @example
 * ```ts
 * declare const sessions: { lookup(cookie: string | null, options: { signal: AbortSignal }): Promise<{ userId: string } | null> };
 *
 * const authorize = async (request: Request, _body: TokenRequestBody, { signal }: TokenAuthorizeContext) => {
 *   const session = await sessions.lookup(request.headers.get('cookie'), { signal });
 *   return session ? { identity: session.userId } : null;
 * };
 * ```
 */
export interface TokenAuthorizeContext {
  /**
   * Aborted when nobody waits for `authorize` any more: `authorizeTimeoutMs` has passed (its reason
   * the `authorize_timeout` error the caller gets) or the caller went away (`request.signal`'s
   * reason). Pass it to the session lookup (`fetch`, a database query that takes one) so that it
   * stops then, instead of holding a connection for an answer nobody reads. Made when first read:
   * an `authorize` that never reads it costs nothing. A copy of the context (`{ ...context }`, for
   * an `authorize` that wraps another) carries it too.
   */
  readonly signal: AbortSignal;
}

/**
 * Which rooms a caller may join: an allow-list, or a function returning `true` to allow. A request
 * without a room gets a fresh `room-<uuid>`, which the policy rules on like any other.
 *
 * @example
 * ```ts
 * const rooms: RoomPolicy = ['lobby', 'stage'];
 * ```
 */
export type RoomPolicy = readonly string[] | ((roomName: string, context: TokenPolicyContext) => boolean | Promise<boolean>);

/**
 * Which agents a caller may dispatch: an allow-list of agent names, or a function returning `true`
 * to allow. An entry without a name (`agentName: ''`, LiveKit's unnamed agent: see
 * {@link RequestedAgent}) only a function can allow: a list holding `''` throws when the handler
 * is created.
 *
 * @example
 * ```ts
 * const agents: AgentPolicy = async (agent, { participant }) => (await plans.of(participant.identity)).agents.includes(agent.agentName);
 * ```
 */
export type AgentPolicy = readonly string[] | ((agent: RequestedAgent, context: TokenPolicyContext) => boolean | Promise<boolean>);

/**
 * Cross-origin access to the token endpoint.
 *
 * @example
 * ```ts
 * const cors: TokenHandlerCorsConfig = { origin: ['https://app.example'], credentials: true };
 * ```
 */
export interface TokenHandlerCorsConfig {
  /**
   * Allowed origins: `'*'` (any site, answered with a literal `*`), one exact origin, a list of
   * exact origins, or a function that returns `true` for an allowed origin. Only an allowed
   * origin is ever echoed back. With `credentials`, the origin `'null'` (sent by sandboxed iframes
   * and `data:` pages on any site) is never allowed: listed, it throws; the function is not asked. An origin is written as browsers send it, `scheme://host[:port]`
   * with nothing after (`'https://app.example'`); one written otherwise (`'https://app.example/'`)
   * could never match, and throws when the handler is created.
   */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- the '*' literal documents the wildcard in the public type (editor hints, API report)
  origin: '*' | string | readonly string[] | ((origin: string) => boolean);
  /**
   * Sends `Access-Control-Allow-Credentials: true`, so browsers send cookies cross-origin. Not
   * with `origin: '*'`: that would let any website read a signed-in visitor's token, so
   * `createTokenHandler` throws. @defaultValue false
   */
  credentials?: boolean | undefined;
  /** How long a browser may cache a preflight. @defaultValue 600 */
  maxAgeSeconds?: number | undefined;
}

/**
 * Options of `createTokenHandler`.
 *
 * @example
 * ```ts
 * const config: TokenHandlerConfig = {
 *   // Unset, KIOSK_KEY makes no request the kiosk (compared as is, `Bearer ${undefined}` would be anyone's to send).
 *   authorize: (request) => {
 *     const key = process.env.KIOSK_KEY;
 *     return key && request.headers.get('authorization') === `Bearer ${key}` ? { identity: 'kiosk' } : null;
 *   },
 *   rooms: ['lobby'],
 *   agents: ['receptionist'],
 *   ttl: '5m',
 * };
 * ```
 */
export interface TokenHandlerConfig {
  /**
   * Decides who the caller is from the request (cookies, `Authorization`, …) and the body.
   * Return `null`/`undefined` or throw to refuse with 401; throw a `TokenHandlerError` for
   * another status (`'forbidden'` → 403). Its third argument's `signal` aborts when nobody waits
   * for the answer any more (`authorizeTimeoutMs`, or the caller went away): pass it to the lookup.
   * Whatever it throws after reading the signal, once the caller went away, is answered 408
   * `request_timeout`, and not reported to `onError`: nobody reads that answer, and the failure is
   * most often the lookup stopped by the signal.
   */
  authorize: (
    request: Request,
    body: TokenRequestBody,
    context: TokenAuthorizeContext,
  ) => AuthorizedParticipant | null | undefined | Promise<AuthorizedParticipant | null | undefined>;
  /**
   * The LiveKit API key. Read per request when left out, so a build without secrets succeeds.
   * Every token carries it in the clear (its `iss` claim), so a key that contains the secret (the
   * same value set twice, a `key: secret` pair pasted whole) is refused, as is a pair that looks
   * swapped (a secret of LiveKit's key shape, `API` and 12 letters or digits, beside a key without
   * it): a `TypeError` when both are passed in, else a 500 whose `onError` message names both,
   * never their values.
   * @defaultValue `LIVEKIT_API_KEY` from the request's env bindings, else `process.env`
   */
  apiKey?: string | undefined;
  /**
   * The LiveKit API secret. Read per request when left out, so a build without secrets succeeds.
   * Whitespace at its start or end (a trailing newline from a file) is refused, not trimmed: LiveKit's
   * server reads its keys without it, so every token would be refused at join. The same holds for `apiKey`.
   * One shorter than 32 bytes of UTF-8 (as LiveKit counts), which a caller could guess offline from its own token, is warned about
   * once (`console.warn`), not refused, as LiveKit's server does (LiveKit's public `devkey` / `secret` pair is not).
   * @defaultValue `LIVEKIT_API_SECRET` from the request's env bindings, else `process.env`
   */
  apiSecret?: string | undefined;
  /** The LiveKit server URL sent back as `server_url`. @defaultValue `LIVEKIT_URL` from the request's env bindings, else `process.env` */
  serverUrl?: string | undefined;
  /**
   * Rooms a caller may join. A request without `room_name` gets a fresh server-chosen room
   * (`room-<uuid>`), and the policy is asked about it like any other: a list refuses it, a
   * function sees its name. Allow the fresh rooms with `body.roomName === undefined` (the server
   * chose it), not with the name's pattern: a caller may also name a `room-<uuid>`, and so join
   * another caller's fresh room whose name it learned.
   * @defaultValue every room
   */
  rooms?: RoomPolicy | undefined;
  /**
   * Agents a caller may dispatch through `room_config.agents`. Only the agent's name, metadata
   * and deployment are copied into the token, and only when allowed; any refused agent → 403.
   * @defaultValue no agent
   */
  agents?: AgentPolicy | undefined;
  /**
   * At most this many distinct agents in one token's `room_config.agents` (repeats are collapsed
   * first); more → 400 `invalid_body`. Each dispatch starts an agent job. @defaultValue 1
   */
  maxAgentsPerToken?: number | undefined;
  /**
   * Token lifetime: seconds, or a duration string such as `'10m'`, `'90 s'` or `'1h'`; from 1 s
   * to 24 h. Anything else throws at creation. @defaultValue '10m'
   */
  ttl?: number | string | undefined;
  /** Largest accepted body, counted while reading. @defaultValue 16_384 */
  maxBodyBytes?: number | undefined;
  /** How long the whole body may take to arrive; later → 408 `request_timeout`. @defaultValue 10_000 */
  bodyTimeoutMs?: number | undefined;
  /**
   * How long `authorize`, the `rooms` and `agents` functions and a `limits` function may take
   * together, from the call of `authorize`: one that has not settled by then (a session lookup on
   * a database that stopped answering) → 503 `authorize_timeout` with `Retry-After: 2`, reported to `onError` as that
   * `TokenHandlerError`; its late result is ignored, and nothing is counted against the caller's
   * limits. Each gets a `signal` that aborts then (`authorize` in its third argument, the others in
   * their context), to stop its lookup. A positive integer of milliseconds. @defaultValue 10_000
   */
  authorizeTimeoutMs?: number | undefined;
  /**
   * Per-caller limits on tokens and agent dispatches per window, or a function choosing them per
   * caller; over a limit → 429 `rate_limited` with `Retry-After`. @defaultValue no limits
   */
  limits?: TokenLimitsPolicy | undefined;
  /**
   * Where `limits` count: this handler's memory, or Redis shared by every handler and instance
   * given it. Checked at creation, with `limits` or without. @defaultValue 'memory'
   */
  limitStore?: TokenLimitStore | undefined;
  /**
   * What to do when the limit store fails (Redis down or slower than its `timeoutMs`): `'deny'`
   * answers 503 `limits_unavailable` with `Retry-After: 2`; `'allow'` issues the token unlimited. Either way the error
   * goes to `onError`. Checked at creation, with `limits` or without. @defaultValue 'deny'
   */
  onLimitStoreError?: 'allow' | 'deny' | undefined;
  /** Cross-origin access; without it no CORS header is sent and `OPTIONS` gets 405. @defaultValue undefined */
  cors?: TokenHandlerCorsConfig | undefined;
  /**
   * Called with every unexpected error while handling a request — anything `authorize`, a policy
   * or the handler throws other than a `TokenHandlerError` — and with the cause of a refusal that
   * has one (`authorize` threw: 401; the limit store failed: 503), for logging. A refusal without
   * a cause (403, 429, …) is not reported. Clients only ever see a generic message for errors. Pass
   * `() => {}` to keep them out of the console. It may be async (sending to a log service); if it
   * throws or rejects, that is ignored: logging never changes the answer.
   * @defaultValue `console.error` with the method and path of the request
   */
  onError?: ((error: unknown, request: Request) => void | Promise<void>) | undefined;
}

/**
 * Env bindings a handler may be called with (a Cloudflare Worker's `env`): string
 * `LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET` and `LIVEKIT_URL` supply the credentials not passed to
 * `createTokenHandler`, as do Cloudflare Secrets Store bindings of those names (read with their
 * `get()` on each request). Other bindings are ignored.
 *
 * @example
 * ```ts
 * export default { fetch: (request: Request, env: TokenHandlerEnv) => handler(request, env) };
 * ```
 */
export interface TokenHandlerEnv {
  /** Used as `apiKey` when that option is not passed and this is a non-empty string (or a Secrets Store binding that holds one). */
  readonly LIVEKIT_API_KEY?: unknown;
  /** Used as `apiSecret` when that option is not passed and this is a non-empty string (or a Secrets Store binding that holds one). */
  readonly LIVEKIT_API_SECRET?: unknown;
  /** Used as `serverUrl` when that option is not passed and this is a non-empty string (or a Secrets Store binding that holds one). */
  readonly LIVEKIT_URL?: unknown;
  /** Any other binding; ignored. */
  readonly [binding: string]: unknown;
}

/**
 * What `createTokenHandler` returns: a Fetch-API handler. The second argument, when it is a
 * Worker's env bindings ({@link TokenHandlerEnv}), can supply the credentials; any other second
 * argument (Next.js' route context, Bun's server, Deno's connection info) is harmless. It is typed
 * `unknown` so that the handler fits each runtime's own handler type, whose second parameter is
 * an interface of its own (Next.js checks a route's exports against it at build time).
 *
 * @example
 * ```tsx
 * import { createTokenHandler, type TokenHandler } from 'livekit-custom-token-react/server';
 *
 * export const POST: TokenHandler = createTokenHandler({ authorize: () => ({ identity: 'kiosk' }) });
 * ```
 */
export type TokenHandler = (request: Request, env?: unknown) => Promise<Response>;
