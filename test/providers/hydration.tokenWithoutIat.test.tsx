import { act } from '@testing-library/react';
import { decodeJwt, SignJWT } from 'jose';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { tokenGenerator } from '../helpers/room';
import { API_SECRET, mintToken, SERVER_URL } from '../helpers/tokens';

afterEach(() => {
  vi.useRealTimers();
});

/** A token as LiveKit's Java/Kotlin SDK mints it: `exp`, but neither `iat` nor `nbf`. */
async function mintTokenWithoutIssueTime(options: Parameters<typeof mintToken>[0]) {
  const { iat, nbf, ...claims } = decodeJwt(await mintToken(options));
  expect([iat, nbf].some((claim) => claim !== undefined)).toBe(true);
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(API_SECRET));
}

describe('CustomTokenSessionProvider hydrating over an initialToken without iat or nbf (Java, Kotlin)', () => {
  it('hydrates without a mismatch when the token has expired by the browser’s clock (a cached page), then shows it expired', async () => {
    // Only the clock is faked: React schedules hydration on real timers.
    vi.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z'), toFake: ['Date'] });
    const initialToken = {
      options: { roomName: 'standup' },
      response: { serverUrl: SERVER_URL, participantToken: await mintTokenWithoutIssueTime({ room: 'standup', ttl: '2s' }) },
    };
    const generator = tokenGenerator();
    const page = () => (
      <CustomTokenSessionProvider generator={generator} roomName="standup" initialToken={initialToken} prefetch={false}>
        <TokenStatusView />
      </CustomTokenSessionProvider>
    );
    const container = document.createElement('div');
    container.innerHTML = renderToString(page());
    expect(container.textContent).toContain('Token ready');

    // The page is opened later than its token lasts.
    vi.setSystemTime(Date.now() + 60_000);
    const recoverable: unknown[] = [];
    const consoleErrors = vi.spyOn(console, 'error');
    const root = await act(async () => hydrateRoot(container, page(), { onRecoverableError: (error) => recoverable.push(error) }));
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));

    expect(recoverable.map(String)).toEqual([]);
    expect(consoleErrors).not.toHaveBeenCalled();
    expect(container.textContent).not.toContain('Token ready');
    expect(generator).not.toHaveBeenCalled();
    act(() => root.unmount());
  });
});
