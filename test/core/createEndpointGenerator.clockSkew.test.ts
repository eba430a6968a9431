// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import type { CustomTokenError } from '../../src/core/errors';
import { normalizeOptions } from '../../src/core/normalizeOptions';

/** The server's clock: the moment it answers. */
const SERVER_NOW = Date.UTC(2026, 10, 28, 12);
const HOUR = 3_600_000;

/** A 503 stamped with the server's `Date`, asking the caller to come back `waitMs` later by an HTTP date. */
async function retryAfterDateRead(deviceClockOffsetMs: number, waitMs: number): Promise<number | undefined> {
  vi.useFakeTimers({ toFake: ['Date'], now: SERVER_NOW + deviceClockOffsetMs });
  const endpointFetch: typeof fetch = async () =>
    new Response(null, {
      status: 503,
      headers: { Date: new Date(SERVER_NOW).toUTCString(), 'Retry-After': new Date(SERVER_NOW + waitMs).toUTCString() },
    });
  const generate = createEndpointGenerator('https://auth.example/api/token', { fetch: endpointFetch });
  const error = (await generate(normalizeOptions({}), { signal: new AbortController().signal, attempt: 1 }).then(
    () => expect.unreachable('resolved'),
    (caught: unknown) => caught,
  )) as CustomTokenError;
  return error.retryAfterMs;
}

describe('createEndpointGenerator: a Retry-After date from a server whose clock is not this device’s', () => {
  afterEach(() => vi.useRealTimers());

  it.each([
    ['an hour ahead of', HOUR],
    ['an hour behind', -HOUR],
    ['the same as', 0],
  ])('waits as long as the server asked when this device’s clock is %s the server’s (read against its Date)', async (_, offset) => {
    expect(await retryAfterDateRead(offset, 60_000)).toBe(60_000);
  });
});
