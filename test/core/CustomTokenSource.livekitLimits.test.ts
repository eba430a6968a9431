import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import type { CustomTokenError } from '../../src/core/errors';
import { AccessToken } from 'livekit-server-sdk';
import { API_KEY, API_SECRET, mintToken, SERVER_URL } from '../helpers/tokens';

/**
 * README "validation": the source refuses, on arrival, a token LiveKit's server refuses at join.
 * A room name or identity longer than 256 bytes of UTF-8 is one (LiveKit's default `limit`s;
 * `src/core/livekitLimits.ts` records the real server's 400 one byte past them):
 * livekit-server-sdk mints it all the same, from a room name a user typed, say. Taken in, it
 * would be `ready` in `useTokenStatus()` and fail only at `start()`, when the server refuses the
 * join (`connection_failed`).
 */
beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
afterEach(() => vi.useRealTimers());

/** A source whose generator mints a real token for the room and identity asked (identity `ada` if none). */
function mintingSource() {
  let calls = 0;
  const source = createCustomTokenSource(
    async (request) => {
      calls += 1;
      return {
        serverUrl: SERVER_URL,
        participantToken: await mintToken({ room: request.roomName, identity: request.participantIdentity ?? 'ada' }),
      };
    },
    { retryDelayMs: 1, maxRetryDelayMs: 1 },
  );
  return { source, calls: () => calls };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('resolved'),
    (error: unknown) => error as CustomTokenError,
  );

describe("a token past LiveKit's limits on room name and identity", () => {
  it.each([
    ['ASCII', 'r'.repeat(256), 'r'.repeat(257)],
    ['two-byte characters', 'é'.repeat(128), 'é'.repeat(129)],
    ['emoji', '😀'.repeat(64), `${'😀'.repeat(64)}r`],
  ])('takes a room name of 256 bytes and refuses one of 257 (%s) as invalid_response, once', async (_, fits, past) => {
    const { source, calls } = mintingSource();
    await expect(source.fetch({ roomName: fits })).resolves.toMatchObject({ serverUrl: SERVER_URL });
    const error = await failure(source.fetch({ roomName: past }));
    expect(error).toMatchObject({ code: 'invalid_response', retryable: false });
    expect(error.message).toMatch(/room name \(`video\.room`\) is 25[78] bytes of UTF-8: LiveKit's server refuses a join past 256/);
    expect(calls()).toBe(2);
    expect(source.getSnapshot()).toMatchObject({ status: 'error', error });
  });

  it('refuses an identity of 257 bytes, also one the endpoint chose', async () => {
    const { source } = mintingSource();
    await expect(source.fetch({ roomName: 'A', participantIdentity: 'i'.repeat(256) })).resolves.toBeDefined();
    const asked = await failure(source.fetch({ roomName: 'A', participantIdentity: 'i'.repeat(257) }));
    expect(asked.message).toMatch(/identity \(`sub`\) is 257 bytes of UTF-8/);

    const chosen = createCustomTokenSource(async () => ({
      serverUrl: SERVER_URL,
      participantToken: await mintToken({ room: 'A', identity: `user-${'€'.repeat(84)}` }),
    }));
    await expect(failure(chosen.fetch({ roomName: 'A' }))).resolves.toMatchObject({ code: 'invalid_response' });
  });
});

/**
 * LiveKit's server also refuses a join whose `metadata` is past 512 KiB, or whose `attributes`,
 * keys and values together, are past 64 KiB of UTF-8 (`src/core/livekitLimits.ts`): a token
 * carrying them is refused on arrival too, naming the field, its size and the fix.
 */
describe("a token past LiveKit's limits on metadata and attributes", () => {
  /** A source whose generator mints a real token with `claims` (metadata, attributes) for room A. */
  function sourceMinting(claims: { metadata?: string; attributes?: Record<string, string> }) {
    return createCustomTokenSource(async () => {
      const token = new AccessToken(API_KEY, API_SECRET, { identity: 'ada', ttl: '10m', ...claims });
      token.addGrant({ room: 'A', roomJoin: true });
      return { serverUrl: SERVER_URL, participantToken: await token.toJwt() };
    });
  }

  it.each([
    ['ASCII', 'm'.repeat(512 * 1024), 'm'.repeat(512 * 1024 + 1), 524_289],
    ['two-byte characters', 'é'.repeat(256 * 1024), `${'é'.repeat(256 * 1024)}m`, 524_289],
  ])('takes metadata of 512 KiB and refuses one byte more (%s) as invalid_response', async (_, fits, past, bytes) => {
    await expect(sourceMinting({ metadata: fits }).fetch({ roomName: 'A' })).resolves.toMatchObject({ serverUrl: SERVER_URL });
    const error = await failure(sourceMinting({ metadata: past }).fetch({ roomName: 'A' }));
    expect(error).toMatchObject({ code: 'invalid_response', retryable: false });
    expect(error.message).toContain(
      `The token's metadata (\`metadata\`) is ${bytes} bytes of UTF-8: LiveKit's server refuses a join past 524288. Mint it with less.`,
    );
  });

  it('takes attributes of 64 KiB, keys and values together, and refuses one byte more as invalid_response', async () => {
    // 4 + 4 + 5 bytes of keys and ASCII, then 32 760 two-byte characters and 3 ASCII: 65 536 bytes.
    const attributes = (extra: string) => ({ team: 'blue', notes: `${'ü'.repeat(32_760)}abc${extra}` });
    await expect(sourceMinting({ attributes: attributes('') }).fetch({ roomName: 'A' })).resolves.toBeDefined();
    const error = await failure(sourceMinting({ attributes: attributes('c') }).fetch({ roomName: 'A' }));
    expect(error).toMatchObject({ code: 'invalid_response', retryable: false });
    expect(error.message).toContain(
      "The token's attributes (`attributes`, keys and values together) are 65537 bytes of UTF-8: LiveKit's server refuses a join past 65536. Mint it with less.",
    );
  });
});
