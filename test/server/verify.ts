import { TokenVerifier, type ClaimGrants } from 'livekit-server-sdk';
import { API_KEY, API_SECRET } from '../helpers/tokens';

/** Verifies a token's signature with livekit-server-sdk and returns its claims. */
export async function verifyToken(jwt: string): Promise<ClaimGrants & { sub?: string; exp?: number; nbf?: number }> {
  return new TokenVerifier(API_KEY, API_SECRET).verify(jwt);
}

/** Reads a handler response: status, JSON body and, for a 201, the verified claims. */
export async function readResponse(response: Response) {
  const body = (await response.json()) as { server_url?: string; participant_token?: string; error?: { code: string; message: string } };
  const claims = body.participant_token ? await verifyToken(body.participant_token) : undefined;
  return { status: response.status, body, claims };
}
