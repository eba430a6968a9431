import { decodeJwt } from 'jose';
import type { TokenGrants } from './types.js';

/** What this package reads from a LiveKit participant token's payload. */
export interface TokenClaims {
  /** The participant identity. */
  sub?: string;
  name?: string;
  exp?: number;
  iat?: number;
  nbf?: number;
  /** The `video` grant; `{}` when the token has none. */
  video: TokenGrants;
  /** The agents the token's `roomConfig` dispatches, by name (`''` for an unnamed one). */
  agentNames: string[];
}

/**
 * Decodes a LiveKit participant token's payload and reads its claims. The signature is not
 * checked: the LiveKit server does that, and the browser has no secret to check it with.
 *
 * Uses jose's `decodeJwt` (the JWT decoder livekit-client itself ships) rather than
 * livekit-client's `decodeTokenPayload`, which parses `roomConfig` with a strict protobuf
 * `fromJson` of the app's livekit-client version and throws on any field newer than it
 * (livekit-client 2.17.2 refuses the `restartPolicy` livekit-server-sdk 2.19 writes). Reading
 * only the claims needed keeps every LiveKit server SDK's tokens working with every supported
 * livekit-client: `agentName` as Node and Go write it, `agent_name` as Java writes it.
 *
 * @throws jose's `JWTInvalid` when `token` is not a JWT with a JSON object payload.
 */
export function decodeTokenClaims(token: string): TokenClaims {
  const payload = decodeJwt(token);
  return {
    sub: stringClaim(payload.sub),
    name: stringClaim(payload.name),
    exp: numberClaim(payload.exp),
    iat: numberClaim(payload.iat),
    nbf: numberClaim(payload.nbf),
    video: isObject(payload.video) ? (payload.video as TokenGrants) : {},
    agentNames: readAgentNames(payload.roomConfig),
  };
}

function readAgentNames(roomConfig: unknown): string[] {
  const agents = isObject(roomConfig) ? roomConfig.agents : undefined;
  if (!Array.isArray(agents)) return [];
  return agents.map((agent) => (isObject(agent) ? (stringClaim(agent.agentName) ?? stringClaim(agent.agent_name) ?? '') : ''));
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function numberClaim(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
