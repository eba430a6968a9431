import { decodeTokenPayload } from 'livekit-client';
import { CustomTokenError } from './errors.js';
import { excerpt } from './excerpt.js';
import { ATTRIBUTES_BYTES, fits, METADATA_BYTES, NAME_BYTES, utf8Bytes } from './livekitLimits.js';
import { messageOf } from './messageOf.js';
import type { TokenDetails, TokenGrants, TokenRequest } from './types.js';

export interface ValidateOptions {
  /** Local time the response arrived. */
  receivedAt: number;
  /** How long before expiry a token stops being reused; capped at half its lifetime. */
  refreshMarginMs: number;
  /**
   * The token may have been minted long before it arrived (an `initialToken` from a server render,
   * a cached or restored page): its `exp` is also read on the local clock, and the earlier expiry wins.
   * @defaultValue false
   */
  mintedEarlier?: boolean;
  /**
   * The `participantToken` of the token in hand for the request, if any: read only for a token
   * with neither `iat` nor `nbf`, whose next refresh it decides (see `measureLifetime`).
   */
  inHand?: () => string | undefined;
}

/**
 * Checks a generator's result and reads the token: shape, `serverUrl` scheme, decodable JWT,
 * a lifetime left, a `roomJoin` grant for a room, an identity, each within LiveKit's 256 bytes,
 * `metadata` and `attributes` within LiveKit's 512 KiB and 64 KiB, and the room, identity and
 * agent the request asked for.
 *
 * Expiry is measured on the local clock from `receivedAt` with the token's own lifetime
 * (`exp - (iat ?? nbf)`), so a client clock hours off the server's still caches correctly. A
 * token with neither `iat` nor `nbf` (some server SDKs mint these) falls back to reading `exp`
 * on the local clock.
 *
 * @throws {CustomTokenError} `invalid_response`, `expired` or `mismatch`, naming the field and the fix.
 */
export function validateTokenResponse(raw: unknown, request: TokenRequest, options: ValidateOptions): TokenDetails {
  const { serverUrl, participantToken } = readResponse(raw);
  checkServerUrl(serverUrl);
  const payload = decodeToken(participantToken);
  const grants: TokenGrants = isObject(payload.video) ? payload.video : {};
  if (grants.roomJoin !== true) {
    invalid('The token has no `video.roomJoin` grant, so LiveKit would refuse it. Mint it with `roomJoin: true`.');
  }
  // Stryker disable next-line StringLiteral: livekit-client's RoomConfiguration.fromJson fills a missing agentName with '', so the fallback is never reached
  const agentNames = (payload.roomConfig?.agents ?? []).map((agent) => agent.agentName ?? '');
  checkMatchesRequest(request, { room: grants.room, identity: payload.sub, agentNames });
  // LiveKit's server refuses a join without either (400 "no room name", "identity cannot be empty").
  if (!grants.room) invalid('The token has no `video.room` grant, so LiveKit would refuse it. Mint it for the room to join.');
  if (!payload.sub) invalid("The token has no identity (`sub`), so LiveKit would refuse it. Mint it with the participant's identity.");
  checkLiveKitLimits(grants.room, payload.sub, payload);

  const { expiresAt, staleAt } = measureLifetime(payload, participantToken, options);
  return {
    serverUrl,
    participantToken,
    identity: payload.sub,
    name: typeof payload.name === 'string' ? payload.name : undefined,
    room: grants.room,
    grants,
    agentNames,
    receivedAt: options.receivedAt,
    expiresAt,
    staleAt,
  };
}

function readResponse(raw: unknown): { serverUrl: string; participantToken: string } {
  if (!isObject(raw)) {
    invalid(`The generator must resolve to { serverUrl, participantToken }, got ${raw === null ? 'null' : typeof raw}.`);
  }
  const serverUrl = raw.serverUrl ?? raw.server_url;
  const participantToken = raw.participantToken ?? raw.participant_token;
  if (typeof serverUrl !== 'string' || serverUrl === '') {
    invalid('The generator response has no `serverUrl` string (the LiveKit server URL, e.g. "wss://my-app.livekit.cloud").');
  }
  if (typeof participantToken !== 'string' || participantToken === '') {
    invalid('The generator response has no `participantToken` string (the participant JWT).');
  }
  return { serverUrl, participantToken };
}

/** The last `serverUrl` that passed: apps use one server, so the URL is parsed once, not per token. */
let checkedServerUrl: string | undefined;

function checkServerUrl(serverUrl: string): void {
  // Stryker disable next-line ConditionalExpression: the early return only skips re-parsing a URL that already passed; the result is the same
  if (serverUrl === checkedServerUrl) return;
  let protocol: string;
  try {
    protocol = new URL(serverUrl).protocol;
  } catch {
    // Shown by what it says: a page the generator read as the URL (a sign-in page) by its title, on one line.
    invalid(`\`serverUrl\` "${excerpt(serverUrl)}" is not a URL. Return the LiveKit server URL, e.g. "wss://my-app.livekit.cloud".`);
  }
  if (!['wss:', 'ws:', 'https:', 'http:'].includes(protocol)) {
    invalid(`\`serverUrl\` "${excerpt(serverUrl)}" must use wss:, ws:, https: or http:, not ${protocol}`);
  }
  checkedServerUrl = serverUrl;
}

/**
 * Decodes the payload (livekit-client's own reader), telling apart a string that is not a JWT
 * from a JWT one of whose claims livekit-client cannot read (a `roomConfig` field it does not
 * know, from a newer server SDK, say).
 */
function decodeToken(participantToken: string): ReturnType<typeof decodeTokenPayload> {
  try {
    return decodeTokenPayload(participantToken);
  } catch (cause) {
    const detail = messageOf(cause);
    if (isJwtFormatError(cause)) {
      return invalid(
        `\`participantToken\` is not a JWT (${detail}). Return the token string itself, not an object or a "Bearer …" header.`,
        cause,
      );
    }
    return invalid(
      `\`participantToken\` decodes as a JWT, but its \`roomConfig\` claim does not: ${detail}. Mint \`roomConfig\` with LiveKit's \`RoomConfiguration\`, and use a livekit-client that knows its fields.`,
      cause,
    );
  }
}

/** livekit-client decodes with `jose`, whose format errors carry a code like `ERR_JWT_INVALID`. */
function isJwtFormatError(error: unknown): boolean {
  // Stryker disable next-line OptionalChaining: decodeTokenPayload throws only Error objects, never null or undefined
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    // Stryker disable next-line StringLiteral: its errors carry jose's ERR_JW… code or no string code at all (protobuf's), so startsWith('') answers the same
    code.startsWith('ERR_JW')
  );
}

function checkMatchesRequest(
  request: TokenRequest,
  token: { room: string | undefined; identity: string | undefined; agentNames: string[] },
): void {
  // An empty string is "not set" in LiveKit's TokenSourceRequest and at a standard endpoint (a fresh
  // room, the caller's own identity): nothing to match.
  if (request.roomName && token.room !== request.roomName) {
    mismatch(
      `The token is for room "${token.room ?? '(none)'}" but room "${request.roomName}" was asked for. Mint it with the requested \`roomName\`.`,
    );
  }
  if (request.participantIdentity && token.identity !== request.participantIdentity) {
    mismatch(
      `The token is for identity "${token.identity ?? '(none)'}" but "${request.participantIdentity}" was asked for. Mint it with the requested \`participantIdentity\`, or do not ask for one.`,
    );
  }
  if (request.agentName !== undefined && !token.agentNames.includes(request.agentName)) {
    // LiveKit reads a dispatch from the claim `roomConfig` only: one minted under the endpoint body's name is never made.
    mismatch(
      `Agent "${request.agentName}" was asked for but the token does not dispatch it. Pass \`request.roomConfig\` on to the token's \`roomConfig\` claim (\`room_config\` in a standard endpoint's body only: LiveKit reads no such claim).`,
    );
  }
}

/**
 * A token LiveKit's server would refuse at join (its default `limit`s: room name and identity 256
 * bytes of UTF-8, `metadata` 512 KiB, `attributes` 64 KiB, keys and values together) is refused
 * on arrival: else it reads `ready` and `start()` fails.
 */
function checkLiveKitLimits(room: string, identity: string, { metadata, attributes }: ReturnType<typeof decodeTokenPayload>): void {
  checkBytes('room name (`video.room`) is', room, NAME_BYTES);
  checkBytes('identity (`sub`) is', identity, NAME_BYTES);
  if (typeof metadata === 'string') checkBytes('metadata (`metadata`) is', metadata, METADATA_BYTES);
  // Keys and values together, as LiveKit counts them: one string of them all has their bytes.
  if (isObject(attributes)) {
    checkBytes('attributes (`attributes`, keys and values together) are', Object.entries(attributes).flat().join(''), ATTRIBUTES_BYTES);
  }
}

/** Only text that may be past `maxBytes` is encoded (see `fits`). */
function checkBytes(what: string, text: string, maxBytes: number): void {
  if (!fits(text, maxBytes)) {
    invalid(
      `The token's ${what} ${utf8Bytes(text)} bytes of UTF-8: LiveKit's server refuses a join past ${maxBytes}. Mint it with ${maxBytes === NAME_BYTES ? 'a shorter one' : 'less'}.`,
    );
  }
}

/**
 * The token's lifetime on the local clock: `exp - (iat ?? nbf)` from `receivedAt`. A token with
 * neither `iat` nor `nbf` gives no lifetime, so its `exp` is read on the local clock instead —
 * the one case where a device clock ahead of the server's makes a token look expired (and, with
 * `mintedEarlier`, a token that may have waited before it arrived).
 */
function measureLifetime(
  payload: { exp?: number; iat?: number; nbf?: number },
  participantToken: string,
  { receivedAt, refreshMarginMs, mintedEarlier = false, inHand }: ValidateOptions,
): { expiresAt: number | null; staleAt: number | null } {
  if (typeof payload.exp !== 'number') return { expiresAt: null, staleAt: null };
  // The first of them that is a number: an `iat` some other way (a numeric string) does not hide a good `nbf`.
  const issuedAt = [payload.iat, payload.nbf].find((claim): claim is number => typeof claim === 'number');
  const lifetimeMs = typeof issuedAt === 'number' ? (payload.exp - issuedAt) * 1000 : payload.exp * 1000 - receivedAt;
  if (!(lifetimeMs > 0)) {
    throw new CustomTokenError(
      'expired',
      typeof issuedAt === 'number'
        ? 'The token has already expired: its `exp` is not after its `iat`/`nbf`. Mint a new token on every call.'
        : `The token has no issue time (neither \`iat\` nor \`nbf\`), so its freshness was measured on this device's clock, which puts its \`exp\` ${formatAgo(-lifetimeMs)} in the past. Either the token expired, or this device's clock is ahead of the server's: mint tokens with \`nbf\` or \`iat\` (livekit-server-sdk does) so freshness does not depend on the device clock.`,
    );
  }
  const expiresAt = mintedEarlier ? Math.min(receivedAt + lifetimeMs, payload.exp * 1000) : receivedAt + lifetimeMs;
  if (!(expiresAt > receivedAt)) {
    throw new CustomTokenError(
      'expired',
      `The token's \`exp\` is ${formatAgo(receivedAt - expiresAt)} in the past on this device's clock: it was minted too long ago (a cached or restored page), or this device's clock is ahead of the server's. A new one is fetched.`,
    );
  }
  // The very token in hand again, without an issue time: a backend that caches its tokens answers
  // it until it expires, each time with less left on this clock, and half of that again before the
  // next call would ask about seven times in its last minute. It is asked for again once expired.
  if (issuedAt === undefined && inHand?.() === participantToken) return { expiresAt, staleAt: expiresAt };
  return { expiresAt, staleAt: expiresAt - Math.min(refreshMarginMs, (expiresAt - receivedAt) / 2) };
}

function formatAgo(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string, cause?: unknown): never {
  throw new CustomTokenError('invalid_response', message, { cause });
}

function mismatch(message: string): never {
  throw new CustomTokenError('mismatch', message);
}
