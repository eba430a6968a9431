import type { VideoGrant } from 'livekit-server-sdk';

/**
 * An agent the client asked to dispatch (one entry of `room_config.agents`).
 *
 * @example
 * ```ts
 * const agents: AgentPolicy = (agent: RequestedAgent) => agent.agentName === 'support-agent' && !agent.deployment;
 * ```
 */
export interface RequestedAgent {
  readonly agentName: string;
  readonly metadata?: string;
  readonly deployment?: string;
}

/**
 * A validated token request: LiveKit's standard endpoint body (`TokenSourceRequest`), read from
 * snake_case or camelCase, with empty strings dropped. Only `room_config.agents` is read from
 * `room_config`; its other fields are ignored.
 *
 * @example
 * ```ts
 * const authorize = (request: Request, body: TokenRequestBody) => (body.roomName === 'lobby' ? { identity: 'guest' } : null);
 * ```
 */
export interface TokenRequestBody {
  readonly roomName?: string;
  readonly participantName?: string;
  readonly participantIdentity?: string;
  readonly participantMetadata?: string;
  readonly participantAttributes?: Readonly<Record<string, string>>;
  readonly agents: readonly RequestedAgent[];
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
  /** The token's identity (`sub`). Non-empty, at most 256 characters. */
  identity: string;
  /** Display name. @defaultValue the requested `participant_name` */
  name?: string;
  /** @defaultValue the requested `participant_metadata` */
  metadata?: string;
  /** Merged over the requested `participant_attributes`; these keys win. */
  attributes?: Record<string, string>;
  /**
   * Grants on top of the defaults (`roomJoin`, `canPublish`, `canSubscribe`, `canPublishData`);
   * `room` is always the token's room.
   */
  grants?: Omit<VideoGrant, 'room' | 'roomJoin'>;
  /**
   * Whether a requested `participant_identity` replaces {@link AuthorizedParticipant.identity}. When `false`, asking
   * for any other identity is refused with 403 `identity_not_allowed`.
   * @defaultValue false
   */
  allowRequestedIdentity?: boolean;
}

/**
 * What a policy function sees besides the thing it rules on.
 *
 * @example
 * ```ts
 * const rooms: RoomPolicy = (room, { participant }: TokenPolicyContext) => room.startsWith(`${participant.identity}-`);
 * ```
 */
export interface TokenPolicyContext {
  readonly participant: AuthorizedParticipant;
  readonly body: TokenRequestBody;
  readonly request: Request;
}

/**
 * Which rooms a caller may ask for: an allow-list, or a function returning `true` to allow.
 *
 * @example
 * ```ts
 * const rooms: RoomPolicy = ['lobby', 'stage'];
 * ```
 */
export type RoomPolicy = readonly string[] | ((roomName: string, context: TokenPolicyContext) => boolean | Promise<boolean>);

/**
 * Which agents a caller may dispatch: an allow-list of agent names, or a function returning `true` to allow.
 *
 * @example
 * ```ts
 * const agents: AgentPolicy = async (agent, { participant }) => (await plans.of(participant.identity)).agents.includes(agent.agentName);
 * ```
 */
export type AgentPolicy =
  | readonly string[]
  | ((agent: RequestedAgent, context: TokenPolicyContext) => boolean | Promise<boolean>);

/**
 * Cross-origin access to the token endpoint.
 *
 * @example
 * ```ts
 * const cors: TokenHandlerCorsConfig = { origin: ['https://app.example'], credentials: true };
 * ```
 */
export interface TokenHandlerCorsConfig {
  /** Allowed origins: `'*'`, one origin, a list, or a function. */
  origin: string | readonly string[] | ((origin: string) => boolean);
  /** Sends `Access-Control-Allow-Credentials: true` (not with `'*'`). @defaultValue false */
  credentials?: boolean;
  /** How long a browser may cache a preflight. @defaultValue 600 */
  maxAgeSeconds?: number;
}

/**
 * Options of `createTokenHandler`.
 *
 * @example
 * ```ts
 * const config: TokenHandlerConfig = {
 *   authorize: (request) => (request.headers.get('authorization') === `Bearer ${process.env.KIOSK_KEY}` ? { identity: 'kiosk' } : null),
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
   * another status (`'forbidden'` → 403).
   */
  authorize: (request: Request, body: TokenRequestBody) => AuthorizedParticipant | null | undefined | Promise<AuthorizedParticipant | null | undefined>;
  /** @defaultValue `process.env.LIVEKIT_API_KEY` */
  apiKey?: string;
  /** @defaultValue `process.env.LIVEKIT_API_SECRET` */
  apiSecret?: string;
  /** The LiveKit server URL sent back as `server_url`. @defaultValue `process.env.LIVEKIT_URL` */
  serverUrl?: string;
  /**
   * Rooms a caller may ask for by name. A request without `room_name` gets a fresh
   * server-chosen room (`room-<uuid>`), which agent dispatch needs, and is not checked.
   * @defaultValue every room
   */
  rooms?: RoomPolicy;
  /**
   * Agents a caller may dispatch through `room_config.agents`. Only the agent's name, metadata
   * and deployment are copied into the token, and only when allowed; any refused agent → 403.
   * @defaultValue no agent
   */
  agents?: AgentPolicy;
  /** Token lifetime: seconds, or a duration string such as `'10m'`. @defaultValue '10m' */
  ttl?: number | string;
  /** Largest accepted body, counted while reading. @defaultValue 16_384 */
  maxBodyBytes?: number;
  /** Cross-origin access; without it no CORS header is sent and `OPTIONS` gets 405. @defaultValue undefined */
  cors?: TokenHandlerCorsConfig;
  /**
   * Called with every error thrown while handling a request (by `authorize`, a policy, or the
   * handler itself) — for logging. Clients only ever see a generic message for those. Pass
   * `() => {}` to keep them out of the console.
   * @defaultValue `console.error` with the method and path of the request
   */
  onError?: (error: unknown, request: Request) => void;
}
