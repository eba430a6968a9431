import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { normalizeOptions } from '../../src/core/normalizeOptions';
import { validateTokenResponse } from '../../src/core/validateTokenResponse';
import { API_KEY, API_SECRET, SERVER_URL } from '../helpers/tokens';

const receivedAt = Date.UTC(2026, 10, 28, 12);
const nowSeconds = receivedAt / 1000;

/** A token for `ada` in room A, valid 10 minutes, with `claims` laid over it (`undefined` removes a claim). */
async function token(claims: Record<string, unknown> = {}) {
  const payload = Object.fromEntries(
    Object.entries({
      iss: API_KEY,
      sub: 'ada',
      nbf: nowSeconds,
      exp: nowSeconds + 600,
      video: { room: 'A', roomJoin: true },
      ...claims,
    }).filter(([, value]) => value !== undefined),
  );
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(API_SECRET));
}

const validate = async (claims: Record<string, unknown>, options: Parameters<typeof normalizeOptions>[0] = {}, refreshMarginMs = 60_000) =>
  validateTokenResponse({ serverUrl: SERVER_URL, participantToken: await token(claims) }, normalizeOptions(options), {
    receivedAt,
    refreshMarginMs,
  });

describe('validateTokenResponse at the edges', () => {
  it.each([
    [{ serverUrl: '', participantToken: 'x' }, 'The generator response has no `serverUrl` string'],
    [{ serverUrl: SERVER_URL, participantToken: '' }, 'The generator response has no `participantToken` string'],
  ])('calls an empty string in %j missing, not malformed', (raw, message) => {
    expect(() => validateTokenResponse(raw, normalizeOptions({}), { receivedAt, refreshMarginMs: 60_000 })).toThrow(
      expect.objectContaining({ code: 'invalid_response', message: expect.stringContaining(message) }),
    );
  });

  it('keeps the decoding error as the cause of a token that is not a JWT', () => {
    let thrown: unknown;
    try {
      validateTokenResponse({ serverUrl: SERVER_URL, participantToken: 'abc' }, normalizeOptions({}), {
        receivedAt,
        refreshMarginMs: 60_000,
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'invalid_response', cause: expect.objectContaining({ code: 'ERR_JWT_INVALID' }) });
  });

  it('reads a token that dispatches no agent as dispatching none', async () => {
    expect((await validate({})).agentNames).toEqual([]);
  });

  it('leaves out a name that is not a string', async () => {
    expect((await validate({ name: 42 })).name).toBeUndefined();
  });

  it('names "(none)" when the token has no room or no identity and one was asked for', async () => {
    await expect(validate({ video: { roomJoin: true } }, { roomName: 'A' })).rejects.toMatchObject({
      code: 'mismatch',
      message: expect.stringContaining('The token is for room "(none)" but room "A" was asked for'),
    });
    await expect(validate({ sub: undefined }, { participantIdentity: 'ada' })).rejects.toMatchObject({
      code: 'mismatch',
      message: expect.stringContaining('The token is for identity "(none)" but "ada" was asked for'),
    });
  });

  it.each([
    ['no room', { video: { roomJoin: true } }, '`video.room`'],
    ['an empty room', { video: { room: '', roomJoin: true } }, '`video.room`'],
    ['no identity', { sub: undefined }, '`sub`'],
    ['an empty identity', { sub: '' }, '`sub`'],
  ])('rejects a token with %s, which LiveKit refuses at join, when the request named none', async (_what, claims, claim) => {
    await expect(validate(claims)).rejects.toMatchObject({
      code: 'invalid_response',
      message: expect.stringContaining(claim),
    });
  });

  it('caps the refresh margin at half the lifetime', async () => {
    const details = await validate({ exp: nowSeconds + 60 }, {}, 60_000);
    expect(details).toMatchObject({ expiresAt: receivedAt + 60_000, staleAt: receivedAt + 30_000 });
  });

  it.each([
    [30, '30 s in the past'],
    [600, '10 min in the past'],
  ])('says how far in the past the exp of a token without iat or nbf is (%i s)', async (secondsAgo, words) => {
    await expect(validate({ nbf: undefined, exp: nowSeconds - secondsAgo })).rejects.toMatchObject({
      code: 'expired',
      message: expect.stringContaining(`puts its \`exp\` ${words}.`),
    });
  });

  it('switches from seconds to minutes at two minutes', async () => {
    await expect(validate({ nbf: undefined, exp: nowSeconds - 119 })).rejects.toMatchObject({
      message: expect.stringContaining('119 s in the past'),
    });
    await expect(validate({ nbf: undefined, exp: nowSeconds - 120 })).rejects.toMatchObject({
      message: expect.stringContaining('2 min in the past'),
    });
  });

  it('accepts a token for the identity that was asked for', async () => {
    expect((await validate({}, { participantIdentity: 'ada' })).identity).toBe('ada');
  });

  it('reads the exp of a token minted earlier on the local clock too: one whose exp is now or past has expired, saying how long ago', async () => {
    const minted = async (claims: Record<string, unknown>) =>
      validateTokenResponse({ serverUrl: SERVER_URL, participantToken: await token(claims) }, normalizeOptions({}), {
        receivedAt,
        refreshMarginMs: 60_000,
        mintedEarlier: true,
      });
    // Minted 10 minutes ago with 10 minutes to live: its exp is this very moment.
    await expect(minted({ nbf: nowSeconds - 600, exp: nowSeconds })).rejects.toMatchObject({ code: 'expired' });
    await expect(minted({ nbf: nowSeconds - 900, exp: nowSeconds - 90 })).rejects.toMatchObject({
      code: 'expired',
      message: expect.stringMatching(/^The token's `exp` is 90 s in the past on this device's clock: /),
    });
    // A second left: kept until then, its margin capped at half of that second.
    expect(await minted({ nbf: nowSeconds - 599, exp: nowSeconds + 1 })).toMatchObject({
      expiresAt: receivedAt + 1_000,
      staleAt: receivedAt + 500,
    });
  });

  it('says a token whose exp is not after its nbf has expired, naming the claims', async () => {
    await expect(validate({ exp: nowSeconds })).rejects.toMatchObject({
      code: 'expired',
      message: 'The token has already expired: its `exp` is not after its `iat`/`nbf`. Mint a new token on every call.',
    });
  });
});
