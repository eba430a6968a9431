import { SignJWT } from 'jose';
import { version as livekitClientVersion } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import { normalizeOptions } from '../../src/core/normalizeOptions';
import { validateTokenResponse } from '../../src/core/validateTokenResponse';
import { API_KEY, API_SECRET, mintToken, SERVER_URL } from '../helpers/tokens';

const receivedAt = Date.UTC(2026, 10, 28, 12);
const at = { receivedAt, refreshMarginMs: 60_000 };
const nowSeconds = Math.floor(receivedAt / 1000);

/** A token with exactly `claims` (plus `iss`, `nbf`, `exp`), as another LiveKit server SDK would sign it. */
function signClaims(claims: Record<string, unknown>) {
  return new SignJWT({ video: { room: 'A', roomJoin: true }, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(API_KEY)
    .setSubject('ada')
    .setNotBefore(nowSeconds)
    .setExpirationTime(nowSeconds + 600)
    .sign(new TextEncoder().encode(API_SECRET));
}

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

  it('ignores claims of the wrong type instead of trusting them', async () => {
    const participantToken = await signClaims({ name: 42, roomConfig: { agents: 'helper' } });
    expect(validateTokenResponse({ serverUrl: SERVER_URL, participantToken }, normalizeOptions({ roomName: 'A' }), at)).toMatchObject({
      name: undefined,
      agentNames: [],
    });
  });
});
