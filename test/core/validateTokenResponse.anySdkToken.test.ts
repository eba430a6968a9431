import { SignJWT } from 'jose';
import { version as livekitClientVersion } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import { normalizeOptions } from '../../src/core/normalizeOptions';
import { validateTokenResponse } from '../../src/core/validateTokenResponse';
import { API_KEY, API_SECRET, mintToken, SERVER_URL } from '../helpers/tokens';

const receivedAt = Date.UTC(2026, 10, 28, 12);
const at = { receivedAt, refreshMarginMs: 60_000 };
const nowSeconds = Math.floor(receivedAt / 1000);

/** A token with `claims` over a valid 10-minute one for `ada` in room A, as another LiveKit server SDK would sign it. */
function signClaims(claims: Record<string, unknown>) {
  const payload = { iss: API_KEY, sub: 'ada', nbf: nowSeconds, exp: nowSeconds + 600, video: { room: 'A', roomJoin: true }, ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(API_SECRET));
}

const validateClaims = async (claims: Record<string, unknown>, request = normalizeOptions({ roomName: 'A' })) =>
  validateTokenResponse({ serverUrl: SERVER_URL, participantToken: await signClaims(claims) }, request, at);

const agentRequest = normalizeOptions({ roomName: 'A', agentName: 'helper' });

describe('validateTokenResponse reads the token of any LiveKit server SDK, on every livekit-client the peer range allows', () => {
  it('runs on the livekit-client under test', () => {
    expect(livekitClientVersion).toBe(process.env.EXPECTED_LIVEKIT_CLIENT ?? livekitClientVersion);
  });

  // livekit-client 2.17 refused livekit-server-sdk 2.19's `restartPolicy`; 2.18.3 and later ignore unknown fields.
  it("accepts livekit-server-sdk's agent dispatch, whose roomConfig carries fields livekit-client before 2.18.3 refuses", async () => {
    const participantToken = await mintToken({ room: 'A', agentName: 'helper' });
    expect(validateTokenResponse({ serverUrl: SERVER_URL, participantToken }, agentRequest, at).agentNames).toEqual(['helper']);
  });

  it('accepts a roomConfig with fields newer than any livekit-client knows', async () => {
    const participantToken = await signClaims({
      roomConfig: { name: 'A', someFutureSetting: { on: true }, agents: [{ agentName: 'helper', someFutureOption: 3 }] },
    });
    expect(validateTokenResponse({ serverUrl: SERVER_URL, participantToken }, agentRequest, at)).toMatchObject({
      identity: 'ada',
      room: 'A',
      agentNames: ['helper'],
    });
  });

  it('reads the snake_case agent_name the Java server SDK writes', async () => {
    const participantToken = await signClaims({ roomConfig: { agents: [{ agent_name: 'helper' }] } });
    expect(validateTokenResponse({ serverUrl: SERVER_URL, participantToken }, agentRequest, at).agentNames).toEqual(['helper']);
  });

  it('reads an agent dispatched without a name as the empty name, which matches no requested agent', async () => {
    const participantToken = await signClaims({ roomConfig: { agents: [{}] } });
    expect(validateTokenResponse({ serverUrl: SERVER_URL, participantToken }, normalizeOptions({ roomName: 'A' }), at).agentNames).toEqual([
      '',
    ]);
    expect(() => validateTokenResponse({ serverUrl: SERVER_URL, participantToken }, agentRequest, at)).toThrow(
      expect.objectContaining({ code: 'mismatch', message: expect.stringContaining('Agent "helper" was asked for') }),
    );
  });

  // Shapes of the community SDKs' to_jwt/toJwt: Ruby backdates nbf 5 s and writes no iat; PHP adds iat and jti.
  it.each([
    ['Ruby (livekit-server-sdk gem)', { nbf: nowSeconds - 5, attributes: { plan: 'pro' } }, 605_000],
    ['PHP (agence104/livekit-server-sdk)', { iat: nowSeconds, jti: 'ada' }, 600_000],
  ])('accepts the token shape of %s, its lifetime read from iat, else nbf', async (_sdk, claims, lifetimeMs) => {
    const details = await validateClaims({ name: 'Ada', roomConfig: { agents: [{ agentName: 'helper' }] }, ...claims }, agentRequest);
    expect(details).toMatchObject({ identity: 'ada', name: 'Ada', room: 'A', agentNames: ['helper'], expiresAt: receivedAt + lifetimeMs });
  });

  // LiveKit's claims have the dispatch as `roomConfig` only: under the standard endpoint's body name,
  // `room_config`, it is never made.
  it('refuses an agent dispatch written under the claim `room_config`, saying LiveKit reads no such claim', async () => {
    await expect(validateClaims({ room_config: { agents: [{ agent_name: 'helper' }] } }, agentRequest)).rejects.toMatchObject({
      code: 'mismatch',
      message:
        'Agent "helper" was asked for but the token does not dispatch it. Pass `request.roomConfig` on to the token\'s `roomConfig` claim (`room_config` in a standard endpoint\'s body only: LiveKit reads no such claim).',
    });
  });

  it('never caches a token whose exp is not a number', async () => {
    expect(await validateClaims({ exp: String(nowSeconds + 600) })).toMatchObject({ expiresAt: null, staleAt: null });
  });

  it('treats a video claim that is not an object as no grant', async () => {
    await expect(validateClaims({ video: [{ room: 'A', roomJoin: true }] })).rejects.toMatchObject({
      code: 'invalid_response',
      message: expect.stringContaining('no `video.roomJoin` grant'),
    });
  });
});
