import { signJwt } from '#signJwt';
import type { TokenPlan } from './planToken.js';

/** livekit-server-sdk's names for `TrackSource` values in `canPublishSources`. */
const TRACK_SOURCE_NAMES: Readonly<Record<number, string>> = { 1: 'camera', 2: 'microphone', 3: 'screen_share', 4: 'screen_share_audio' };

/**
 * Signs a participant token for a {@link TokenPlan}: a join grant for the planned room
 * (publish, subscribe and data by default, the plan's grants on top) and the planned agents as
 * `roomConfig`. The claims, their order and the encoding are what livekit-server-sdk's
 * `AccessToken.toJwt()` writes (a property test holds them byte for byte); the HMAC is
 * `node:crypto` on Node, Bun and Deno and WebCrypto elsewhere (`#signJwt`), and the SDK is not
 * loaded at all — its import alone costs a cold start about 200 ms.
 *
 * @example
 * ```ts
 * const jwt = await mintToken(plan, { apiKey: 'devkey', apiSecret: 'secret', ttlSeconds: 600 });
 * ```
 */
export function mintToken(plan: TokenPlan, credentials: TokenIssuer & { apiSecret: string }): string | Promise<string> {
  // Not `{ apiSecret, ...issuer }`: V8 copies an object rest in its runtime, a dearer call than the read.
  return signJwt(tokenPayload(plan, credentials), credentials.apiSecret);
}

/**
 * Who signs a token and for how long: the claims besides the plan's.
 *
 * @example
 * ```ts
 * const issuer: TokenIssuer = { apiKey: 'devkey', ttlSeconds: 600 };
 * ```
 */
export interface TokenIssuer {
  apiKey: string;
  ttlSeconds: number;
}

/**
 * The JSON {@link mintToken} signs for a plan, issued at `now` (seconds). Its length is the
 * token's but for the signature and header (see `joinLength`): exp and nbf have ten digits until 2286.
 *
 * @example
 * ```ts
 * const json = tokenPayload(plan, { apiKey: 'devkey', ttlSeconds: 600 });
 * ```
 */
export function tokenPayload(plan: TokenPlan, { apiKey, ttlSeconds }: TokenIssuer, now = Math.floor(Date.now() / 1000)): string {
  // The plan's claims are written once, kept on it: the join check (checkFitsJoin) and the signature read the same
  // (about 1.5 µs of CPU per token on Node 20, a twentieth of one). The issuer's claims and the times follow, in the SDK's order.
  plan.claimsJson ??= planClaimsJson(plan);
  return `${plan.claimsJson},"iss":${JSON.stringify(apiKey)},"exp":${now + ttlSeconds},"nbf":${now},"sub":${JSON.stringify(plan.identity)}}`;
}

/** The plan's own claims but its identity (`sub`), as JSON without its closing brace. */
function planClaimsJson(plan: TokenPlan): string {
  const claims: Record<string, unknown> = {};
  if (plan.metadata) claims.metadata = plan.metadata;
  claims.attributes = plan.attributes; // left out of the JSON when undefined
  if (plan.name) claims.name = plan.name;
  const video: Record<string, unknown> = {
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
    ...plan.grants,
    room: plan.roomName,
    roomJoin: true,
  };
  if (Array.isArray(video.canPublishSources)) video.canPublishSources = video.canPublishSources.map(trackSourceName);
  claims.video = video;
  if (plan.agents.length > 0) claims.roomConfig = roomConfiguration(plan.agents);
  return JSON.stringify(claims).slice(0, -1);
}

/**
 * livekit-server-sdk's name for a `TrackSource` value, or its `TypeError` for anything else.
 *
 * @example
 * ```ts
 * trackSourceName(TrackSource.CAMERA); // 'camera'
 * ```
 */
export function trackSourceName(source: unknown): string {
  const name = typeof source === 'number' ? TRACK_SOURCE_NAMES[source] : undefined;
  if (name === undefined) throw new TypeError(`Cannot convert TrackSource ${String(source)} to string`);
  return name;
}

/**
 * What `new RoomConfiguration({ agents: agents.map((agent) => new RoomAgentDispatch(agent)) })`
 * becomes in the SDK's token: protobuf JSON with every default written out (the message's
 * `toJSON`), fields in their declaration order.
 */
function roomConfiguration(agents: TokenPlan['agents']): Record<string, unknown> {
  return {
    name: '',
    emptyTimeout: 0,
    departureTimeout: 0,
    maxParticipants: 0,
    minPlayoutDelay: 0,
    maxPlayoutDelay: 0,
    syncStreams: false,
    agents: agents.map(({ agentName, metadata, deployment }) => ({
      agentName,
      metadata: metadata ?? '',
      restartPolicy: 'JRP_ON_FAILURE',
      deployment: deployment ?? '',
      attributes: {},
    })),
    metadata: '',
    tags: {},
  };
}
