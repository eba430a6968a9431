import { act, render, screen } from '@testing-library/react';
import { setLogLevel } from 'livekit-client';
import * as React from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { canRetry } from '../../src/components/canRetry';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import { CustomTokenError } from '../../src/core/errors';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { createTokenHandler, toNodeHandler } from '../../src/server';
import { servePageOrigin } from '../helpers/pageOrigin';
import { roomWithoutServer } from '../helpers/room';
import { API_KEY, API_SECRET, SERVER_URL } from '../helpers/tokens';

setLogLevel('silent');

// Samples of README.md and docs/token-source.md that no other test runs, each as written (but for
// what its `declare`s stand for), against the real token handler on a loopback server.

let signedIn = true;
let requests = 0;
beforeEach(async () => {
  signedIn = true;
  requests = 0;
  // A handler per test: its limits count from zero.
  const route = toNodeHandler(
    createTokenHandler({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      serverUrl: SERVER_URL,
      authorize: () => (signedIn ? { identity: 'ada' } : null),
      limits: { tokens: { limit: 2, windowSeconds: 60 } },
    }),
  );
  await servePageOrigin({
    '/api/token': (request, response) => {
      requests += 1;
      return route(request, response);
    },
  });
});

describe('docs/token-source.md, "Retry-After": a generator of your own throwing a CustomTokenError', () => {
  // The sample, as written.
  const source = createCustomTokenSource(async (request, { signal }) => {
    const res = await fetch('/api/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal,
    });
    if (!res.ok) {
      const retryAfter = Number(res.headers.get('Retry-After'));
      throw new CustomTokenError('http', `token endpoint answered ${res.status}`, {
        status: res.status,
        retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      });
    }
    return res.json();
  });

  async function connectDetails(roomName: string) {
    try {
      return await source.fetch({ roomName });
    } catch (error) {
      if (error instanceof CustomTokenError && error.retryAfterMs !== undefined) {
        console.warn(`token service busy, try again in ${Math.ceil(error.retryAfterMs / 1000)} s`);
      }
      throw error;
    }
  }

  it('reaches the caller at once with the rate limit’s Retry-After, with no retry the server would refuse again', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await expect(connectDetails('one')).resolves.toMatchObject({ serverUrl: SERVER_URL });
    await expect(connectDetails('two')).resolves.toMatchObject({ serverUrl: SERVER_URL });

    const error = await connectDetails('three').then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).toMatchObject({ code: 'http', status: 429, retryable: true });
    const { retryAfterMs } = error as CustomTokenError;
    // Longer than maxRetryDelayMs (8 s): the retries end at once.
    expect(retryAfterMs).toBeGreaterThan(8_000);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(warn).toHaveBeenCalledWith(`token service busy, try again in ${Math.ceil(retryAfterMs! / 1000)} s`);
    expect(requests).toBe(3);
  });
});

describe('README.md, useTokenStatus: the TokenBadge sample', () => {
  // The sample, as written.
  function TokenBadge() {
    const { status, identity, expiresAt, error, refresh } = useTokenStatus();
    if (status === 'error') return <button onClick={refresh}>{error?.message} — retry</button>;
    return (
      <span>
        {identity} · expires {expiresAt && new Date(expiresAt).toLocaleTimeString()}
      </span>
    );
  }

  it('shows a refused token as its message with a retry, and the retry’s token once it is had', async () => {
    signedIn = false;
    const { room } = roomWithoutServer();
    render(
      <React.StrictMode>
        <CustomTokenSessionProvider tokenEndpoint="/api/token" roomName="standup" room={room}>
          <TokenBadge />
        </CustomTokenSessionProvider>
      </React.StrictMode>,
    );
    const retry = await screen.findByRole('button', { name: /answered HTTP 401.* — retry$/ }, { timeout: 3_000 });
    signedIn = true;
    act(() => retry.click());
    const badge = await screen.findByText(/^ada · expires \S/, undefined, { timeout: 3_000 });
    expect(badge.tagName).toBe('SPAN');
    expect(screen.queryByRole('button')).toBeNull();
  });
});

describe('README.md, createEndpointGenerator: headers from the signed-in user', () => {
  // What the sample's `declare` stands for: Firebase Auth's `currentUser`, null when signed out.
  const auth: { currentUser: { getIdToken(): Promise<string> } | null } = { currentUser: null };

  // The sample, as written.
  const generator = createEndpointGenerator('/api/token', {
    // Called before every attempt, so a short-lived auth token is always fresh.
    headers: async () => {
      const user = auth.currentUser;
      // Signed out: refuse as the endpoint would (a 401 is not retried, and ErrorNotice shows your
      // `action`, a sign-in link say), rather than throw a TypeError, which reads as a network failure.
      if (!user) throw new CustomTokenError('http', 'Sign in to join the call.', { status: 401 });
      return { Authorization: `Bearer ${await user.getIdToken()}` };
    },
  });

  it('refuses a signed-out user at once, as a 401 that is neither sent nor retried, and fetches once signed in', async () => {
    const source = createCustomTokenSource(generator, { retryDelayMs: 1 });
    const refused = await source.fetch({ roomName: 'standup' }).then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(refused).toMatchObject({ code: 'http', status: 401, retryable: false, message: 'Sign in to join the call.' });
    expect(canRetry(refused as CustomTokenError)).toBe(false);
    expect(source.getSnapshot().generatorCalls).toBe(1);
    expect(requests).toBe(0);

    auth.currentUser = { getIdToken: () => Promise.resolve('id-token-of-ada') };
    await expect(source.fetch({ roomName: 'standup' })).resolves.toMatchObject({ serverUrl: SERVER_URL });
    expect(requests).toBe(1);
  });
});
