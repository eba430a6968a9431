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

describe('validateTokenResponse reads the token of any LiveKit server SDK, whatever livekit-client the app has', () => {
  it('runs on the livekit-client under test', () => {
    expect(livekitClientVersion).toBe(process.env.EXPECTED_LIVEKIT_CLIENT ?? livekitClientVersion);
  });

  it("accepts livekit-server-sdk's agent dispatch, whose roomConfig carries fields older livekit-clients refuse", async () => {
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
    expect(validateTokenResponse({ serverUrl: SERVER_URL, participantToken }, normalizeOptions({ roomName: 'A' }), at).agentNames).toEqual(['']);
    expect(() => validateTokenResponse({ serverUrl: SERVER_URL, participantToken }, agentRequest, at)).toThrow(
      expect.objectContaining({ code: 'mismatch', message: expect.stringContaining('Agent "helper" was asked for') }),
    );
  });

  it('reads an agent entry that is not an object as an unnamed agent', async () => {
    expect((await validateClaims({ roomConfig: { agents: [null, 'helper', { agentName: 'helper' }] } })).agentNames).toEqual(['', '', 'helper']);
  });

  it('reads identity, name and times only from claims of their JSON type', async () => {
    const details = await validateClaims({ sub: 7, name: ['Ada'], iat: String(nowSeconds - 3600) });
    // `iat` is not a number, so the lifetime is `exp - nbf`: 10 minutes from receipt.
    expect(details).toMatchObject({ identity: undefined, name: undefined, expiresAt: receivedAt + 600_000 });
    await expect(validateClaims({ sub: 7 }, normalizeOptions({ roomName: 'A', participantIdentity: 'ada' }))).rejects.toMatchObject({
      code: 'mismatch',
      message: expect.stringContaining('The token is for identity "(none)"'),
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

  it('ignores claims of the wrong type instead of trusting them', async () => {
    const participantToken = await signClaims({ name: 42, roomConfig: { agents: 'helper' } });
    expect(validateTokenResponse({ serverUrl: SERVER_URL, participantToken }, normalizeOptions({ roomName: 'A' }), at)).toMatchObject({
      name: undefined,
      agentNames: [],
    });
  });
});
