import { decodeTokenClaims, type TokenClaims } from './decodeTokenClaims.js';
import { CustomTokenError } from './errors.js';
import type { TokenDetails, TokenGrants, TokenRequest } from './types.js';

const SERVER_URL_SCHEMES = new Set(['wss:', 'ws:', 'https:', 'http:']);

export interface ValidateOptions {
  /** Local time the response arrived. */
  receivedAt: number;
  /** How long before expiry a token stops being reused; capped at half its lifetime. */
  refreshMarginMs: number;
}

/**
 * Checks a generator's result and reads the token: shape, `serverUrl` scheme, decodable JWT,
 * a lifetime left, a `roomJoin` grant, and the room, identity and agent the request asked for.
 *
 * Expiry is measured on the local clock from `receivedAt` with the token's own lifetime
 * (`exp - (iat ?? nbf)`), so a client clock hours off the server's still caches correctly.
 *
 * @throws {CustomTokenError} `invalid_response`, `expired` or `mismatch`, naming the field and the fix.
 */
export function validateTokenResponse(raw: unknown, request: TokenRequest, options: ValidateOptions): TokenDetails {
  const { serverUrl, participantToken } = readResponse(raw);
  checkServerUrl(serverUrl);
  const payload = decodeToken(participantToken);
  const grants: TokenGrants = payload.video;
  if (grants.roomJoin !== true) {
    invalid('The token has no `video.roomJoin` grant, so LiveKit would refuse it. Mint it with `roomJoin: true`.');
  }
  const { agentNames } = payload;
  checkMatchesRequest(request, { room: grants.room, identity: payload.sub, agentNames });

  const { expiresAt, staleAt } = measureLifetime(payload, options);
  return {
    serverUrl,
    participantToken,
    identity: payload.sub,
    name: payload.name,
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

function checkServerUrl(serverUrl: string): void {
  let protocol: string;
  try {
    protocol = new URL(serverUrl).protocol;
  } catch {
    invalid(`\`serverUrl\` "${serverUrl}" is not a URL. Return the LiveKit server URL, e.g. "wss://my-app.livekit.cloud".`);
  }
  if (!SERVER_URL_SCHEMES.has(protocol)) {
    invalid(`\`serverUrl\` "${serverUrl}" must use wss:, ws:, https: or http:, not ${protocol}`);
  }
}

function decodeToken(participantToken: string): TokenClaims {
  try {
    return decodeTokenClaims(participantToken);
  } catch (cause) {
    return invalid('`participantToken` is not a decodable JWT. Return the token string itself, not an object or a "Bearer …" header.', cause);
  }
}

function checkMatchesRequest(
  request: TokenRequest,
  token: { room: string | undefined; identity: string | undefined; agentNames: string[] },
): void {
  if (request.roomName !== undefined && token.room !== request.roomName) {
    mismatch(`The token is for room "${token.room ?? '(none)'}" but room "${request.roomName}" was asked for. Mint it with the requested \`roomName\`.`);
  }
  if (request.participantIdentity !== undefined && token.identity !== request.participantIdentity) {
    mismatch(
      `The token is for identity "${token.identity ?? '(none)'}" but "${request.participantIdentity}" was asked for. Mint it with the requested \`participantIdentity\`, or do not ask for one.`,
    );
  }
  if (request.agentName !== undefined && !token.agentNames.includes(request.agentName)) {
    mismatch(
      `Agent "${request.agentName}" was asked for but the token does not dispatch it. Pass \`request.roomConfig\` on to the token's \`roomConfig\` (\`room_config\` at a standard endpoint).`,
    );
  }
}

function measureLifetime(
  payload: { exp?: number; iat?: number; nbf?: number },
  { receivedAt, refreshMarginMs }: ValidateOptions,
): { expiresAt: number | null; staleAt: number | null } {
  if (typeof payload.exp !== 'number') return { expiresAt: null, staleAt: null };
  const issuedAt = payload.iat ?? payload.nbf;
  const lifetimeMs = typeof issuedAt === 'number' ? (payload.exp - issuedAt) * 1000 : payload.exp * 1000 - receivedAt;
  if (!(lifetimeMs > 0)) {
    throw new CustomTokenError('expired', 'The token has already expired: its `exp` is not after its `iat`/`nbf`. Mint a new token on every call.');
  }
  const expiresAt = receivedAt + lifetimeMs;
  return { expiresAt, staleAt: expiresAt - Math.min(refreshMarginMs, lifetimeMs / 2) };
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
