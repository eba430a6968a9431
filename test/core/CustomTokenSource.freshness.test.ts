import { onlineManager } from '@tanstack/query-core';
import { decodeJwt, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { mintingGenerator } from '../helpers/generators';
import { mintToken } from '../helpers/tokens';

const MINUTE = 60_000;

describe('CustomTokenSource freshness and refresh-ahead', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(async () => {
    // Lets the sources whose last subscriber just left deactivate: none stays subscribed, refreshing on a later test's clock.
    await vi.advanceTimersByTimeAsync(0);
    vi.useRealTimers();
  });

  it('reuses a 10-minute token until 60 s before it expires, then mints a new one', async () => {
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator);
    await source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(9 * MINUTE - 1);
    await source.fetch({ roomName: 'A' });
    expect(generator).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await source.fetch({ roomName: 'A' });
    expect(generator).toHaveBeenCalledTimes(2);
  });

  it('caps the refresh margin at half of a short token lifetime', async () => {
    const generator = mintingGenerator(() => ({ ttl: 20 }));
    const source = createCustomTokenSource(generator, { refreshMarginMs: 5 * MINUTE });
    await source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(9_000);
    await source.fetch({ roomName: 'A' });
    expect(generator).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await source.fetch({ roomName: 'A' });
    expect(generator).toHaveBeenCalledTimes(2);
  });

  it('reports expiresAt on the local clock from the token lifetime, whatever the server clock says', async () => {
    const generator = mintingGenerator();
    const source = createCustomTokenSource(async (request, context) => {
      const clientNow = Date.now();
      vi.setSystemTime(clientNow - 3 * 3600_000);
      try {
        return await generator(request, context);
      } finally {
        vi.setSystemTime(clientNow);
      }
    });
    await source.fetch({ roomName: 'A' });
    expect(source.getSnapshot().expiresAt).toBe(Date.now() + 10 * MINUTE);
  });

  it('keeps a fresh token ready ahead of expiry while subscribed and disconnected', async () => {
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(9 * MINUTE);
    expect(generator).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(9 * MINUTE);
    expect(generator).toHaveBeenCalledTimes(3);
    unsubscribe();
  });

  it('refreshes nothing while a session is connected, and resumes when it disconnects', async () => {
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    source.setConnected(true);
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    expect(generator).toHaveBeenCalledTimes(1);
    source.setConnected(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(generator).toHaveBeenCalledTimes(2);
    unsubscribe();
  });

  it('refreshes nothing without subscribers', async () => {
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator);
    await source.fetch({ roomName: 'A' });
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    expect(generator).toHaveBeenCalledTimes(1);
  });

  it('after a failed refresh-ahead, tries again when the device comes back online', async () => {
    let failing = false;
    const working = mintingGenerator();
    const generator = vi.fn(async (...args: Parameters<typeof working>) => {
      if (failing) throw new Error('token service down');
      return working(...args);
    });
    const source = createCustomTokenSource(generator);
    const unsubscribe = source.subscribe(() => {});
    await source.fetch({ roomName: 'A' });
    failing = true;
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect(generator).toHaveBeenCalledTimes(2);
    expect(source.getSnapshot().status).toBe('error');
    failing = false;
    onlineManager.setOnline(false);
    onlineManager.setOnline(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(generator).toHaveBeenCalledTimes(3);
    expect(source.getSnapshot().status).toBe('ready');
    unsubscribe();
  });

  it('never caches a token without exp', async () => {
    const generator = vi.fn(async () => {
      const claims = decodeJwt(await mintToken({ room: 'A' }));
      delete claims.exp;
      const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('secret'));
      return { serverUrl: 'ws://127.0.0.1:7880', participantToken: token };
    });
    const source = createCustomTokenSource(generator);
    await source.fetch({ roomName: 'A' });
    await source.fetch({ roomName: 'A' });
    expect(generator).toHaveBeenCalledTimes(2);
    expect(source.getSnapshot().expiresAt).toBeNull();
  });
});
