import { decodeJwt, SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { normalizeOptions } from '../../src/core/normalizeOptions';
import { validateTokenResponse } from '../../src/core/validateTokenResponse';
import { API_SECRET, mintToken, SERVER_URL } from '../helpers/tokens';

const at = { receivedAt: Date.UTC(2026, 10, 28), refreshMarginMs: 60_000 };
const validate =
  (raw: unknown, options = {}) =>
  () =>
    validateTokenResponse(raw, normalizeOptions(options), at);

describe('validateTokenResponse', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads identity, name, room, grants and agents from a valid token', async () => {
    // livekit-server-sdk reads the clock once for `iat` and again for `exp`; a frozen clock keeps
    // a second boundary between the two reads from shortening the lifetime to 599 s.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 28, 12) });
    const participantToken = await mintToken({ identity: 'ada', name: 'Ada', room: 'A', agentName: 'helper' });
    expect(
      validateTokenResponse({ serverUrl: SERVER_URL, participantToken }, normalizeOptions({ roomName: 'A', agentName: 'helper' }), at),
    ).toMatchObject({
      identity: 'ada',
      name: 'Ada',
      room: 'A',
      grants: { room: 'A', roomJoin: true, canPublish: true },
      agentNames: ['helper'],
      expiresAt: at.receivedAt + 600_000,
      staleAt: at.receivedAt + 540_000,
    });
  });

  it('accepts the snake_case body of a standard token endpoint', async () => {
    const participant_token = await mintToken();
    expect(validateTokenResponse({ server_url: SERVER_URL, participant_token }, normalizeOptions({}), at).serverUrl).toBe(SERVER_URL);
  });

  // The schemes its refusal names ("must use wss:, ws:, https: or http:"): a local server on ws://, a URL given as https://.
  it.each(['wss://my-app.livekit.cloud', 'ws://127.0.0.1:7880', 'https://my-app.livekit.cloud', 'http://localhost:7880'])(
    'accepts the server URL %s',
    async (serverUrl) => {
      const participantToken = await mintToken();
      expect(validateTokenResponse({ serverUrl, participantToken }, normalizeOptions({}), at).serverUrl).toBe(serverUrl);
    },
  );

  it.each([
    [null, 'The generator must resolve to { serverUrl, participantToken }, got null.'],
    ['eyJ...', 'The generator must resolve to { serverUrl, participantToken }, got string.'],
    [{ participantToken: 'x' }, 'The generator response has no `serverUrl` string'],
    [{ serverUrl: SERVER_URL }, 'The generator response has no `participantToken` string'],
    [{ serverUrl: 'my-app.livekit.cloud', participantToken: 'x' }, '`serverUrl` "my-app.livekit.cloud" is not a URL.'],
    [{ serverUrl: 'ftp://127.0.0.1', participantToken: 'x' }, 'must use wss:, ws:, https: or http:, not ftp:'],
    [{ serverUrl: SERVER_URL, participantToken: 'Bearer abc' }, '`participantToken` is not a JWT ('],
  ])('rejects %j with a message naming the field and the fix', (raw, message) => {
    expect(validate(raw)).toThrow(expect.objectContaining({ code: 'invalid_response', message: expect.stringContaining(message) }));
  });

  it('rejects a token without the roomJoin grant', async () => {
    const participantToken = await mintToken({ grant: { roomJoin: false } });
    expect(validate({ serverUrl: SERVER_URL, participantToken })).toThrow(
      expect.objectContaining({ code: 'invalid_response', message: expect.stringContaining('roomJoin') }),
    );
  });

  // LiveKit's server refuses both at join (400 "no room name", 400 "identity cannot be empty"), so a
  // source that called them ready would hand out a token no start() can use.
  it('rejects a join token livekit-server-sdk mints without a room, when no room was asked for', async () => {
    const participantToken = await mintToken({ grant: { room: undefined } });
    expect(validate({ serverUrl: SERVER_URL, participantToken })).toThrow(
      expect.objectContaining({ code: 'invalid_response', message: expect.stringContaining('`video.room`') }),
    );
  });

  it('rejects a token for another room than the one asked for', async () => {
    const participantToken = await mintToken({ room: 'B' });
    expect(validate({ serverUrl: SERVER_URL, participantToken }, { roomName: 'A' })).toThrow(
      expect.objectContaining({
        code: 'mismatch',
        message: 'The token is for room "B" but room "A" was asked for. Mint it with the requested `roomName`.',
      }),
    );
  });

  it('rejects a token for another identity than the one asked for', async () => {
    const participantToken = await mintToken({ identity: 'mallory' });
    expect(validate({ serverUrl: SERVER_URL, participantToken }, { participantIdentity: 'ada' })).toThrow(
      expect.objectContaining({ code: 'mismatch' }),
    );
  });

  it('rejects a token that does not dispatch the agent asked for', async () => {
    const participantToken = await mintToken({ room: 'A' });
    expect(validate({ serverUrl: SERVER_URL, participantToken }, { roomName: 'A', agentName: 'helper' })).toThrow(
      expect.objectContaining({ code: 'mismatch', message: expect.stringContaining('Agent "helper" was asked for') }),
    );
  });

  it('rejects a token whose exp is not after its nbf as expired', async () => {
    const claims = decodeJwt(await mintToken());
    const participantToken = await new SignJWT({ ...claims, exp: claims.nbf })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(API_SECRET));
    expect(validate({ serverUrl: SERVER_URL, participantToken })).toThrow(expect.objectContaining({ code: 'expired' }));
  });

  it('says a token without iat or nbf was measured on the local clock when that clock finds it expired', async () => {
    const claims = decodeJwt(await mintToken());
    delete claims.nbf;
    delete claims.iat;
    const participantToken = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(API_SECRET));
    // The device clock runs an hour ahead of the server that minted the 10-minute token.
    const receivedAt = (claims.exp! + 3600) * 1000;
    const error = (() => {
      try {
        validateTokenResponse({ serverUrl: SERVER_URL, participantToken }, normalizeOptions({}), { receivedAt, refreshMarginMs: 60_000 });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toMatchObject({ code: 'expired' });
    expect(error?.message).toContain('has no issue time (neither `iat` nor `nbf`)');
    expect(error?.message).toContain("this device's clock");
    expect(error?.message).not.toContain('is not after its');
  });

  it.each([
    ['a numeric string', (nbf: number) => String(nbf)],
    ['null', () => null],
  ])('measures from a numeric nbf when iat is %s, so a device clock an hour ahead still reads the lifetime', async (_, iatOf) => {
    const claims = decodeJwt(await mintToken());
    delete claims.iat;
    const participantToken = await new SignJWT({ ...claims, iat: iatOf(claims.nbf!) } as Record<string, unknown>)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(API_SECRET));
    const receivedAt = (claims.exp! + 3600) * 1000;
    const token = validateTokenResponse({ serverUrl: SERVER_URL, participantToken }, normalizeOptions({}), {
      receivedAt,
      refreshMarginMs: 60_000,
    });
    expect(token.expiresAt).toBe(receivedAt + (claims.exp! - claims.nbf!) * 1000);
  });

  it('measures a token without iat or nbf on the local clock from its exp', async () => {
    const claims = decodeJwt(await mintToken());
    delete claims.nbf;
    delete claims.iat;
    const participantToken = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(API_SECRET));
    const receivedAt = claims.exp! * 1000 - 300_000;
    const token = validateTokenResponse({ serverUrl: SERVER_URL, participantToken }, normalizeOptions({}), {
      receivedAt,
      refreshMarginMs: 60_000,
    });
    expect(token.expiresAt).toBe(claims.exp! * 1000);
  });

  it.each([
    ['a string with no dots', 'abc'],
    ['three segments whose payload is not base64url JSON', 'a.b.c'],
  ])('says a participantToken that is %s is not a JWT', (_, participantToken) => {
    expect(validate({ serverUrl: SERVER_URL, participantToken })).toThrow(
      expect.objectContaining({
        code: 'invalid_response',
        message: expect.stringMatching(/^`participantToken` is not a JWT \(.+\)\. Return the token string itself/),
      }),
    );
  });

  it('says which claim does not decode when the JWT itself does', async () => {
    const claims = decodeJwt(await mintToken());
    const participantToken = await new SignJWT({ ...claims, roomConfig: { tags: 5 } })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(API_SECRET));
    expect(validate({ serverUrl: SERVER_URL, participantToken })).toThrow(
      expect.objectContaining({
        code: 'invalid_response',
        message: expect.stringContaining(
          '`participantToken` decodes as a JWT, but its `roomConfig` claim does not: cannot decode field livekit.RoomConfiguration.tags from JSON',
        ),
      }),
    );
  });
});
