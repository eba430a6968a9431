import { SessionProvider } from '@livekit/components-react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { setLogLevel } from 'livekit-client';
import * as React from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TokenResponse } from '../../src/core/types';
import { useCustomTokenSession } from '../../src/hooks/useCustomTokenSession';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { fakeMediaDevices } from '../helpers/media';

setLogLevel('silent');

/** The app's sign-in: signed out, so asking for an ID token fails (as Firebase's `getIdToken` does then). */
const getIdToken = (): Promise<string> => Promise.reject(new Error('signed out'));

// README.md, "2. The hook, with LiveKit's `useSession`", as written.
function Call({ roomName }: { roomName: string }) {
  const source = useCustomTokenSource(async (request, { signal }) => {
    const response = await fetch('/api/livekit-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await getIdToken()}` },
      body: JSON.stringify(request), // request.roomConfig is ready to pass on as room_config
      signal,
    });
    if (!response.ok) throw Object.assign(new Error(await response.text()), { status: response.status });
    return (await response.json()) as TokenResponse; // { serverUrl, participantToken } (snake_case accepted)
  });
  const session = useCustomTokenSession(source, { roomName, participantAttributes: { team: 'blue' } });
  const { status } = useTokenStatus(source);
  // LiveKit's start() rejects when joining fails: handled here, not an unhandled rejection.
  const join = () => session.start().catch((reason: unknown) => console.error('Could not join', reason));
  return (
    <SessionProvider session={session}>
      <p>Token: {status}</p>
      <button onClick={() => void (session.isConnected ? session.end() : join())}>
        {session.isConnected ? 'Leave' : `Join ${roomName}`}
      </button>
    </SessionProvider>
  );
}

describe("the README's hooks-path example", () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('shows a token that cannot be had as an error, and a Join that fails leaves no unhandled rejection', async () => {
    const media = fakeMediaDevices();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    render(
      <React.StrictMode>
        <Call roomName="standup" />
      </React.StrictMode>,
    );
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(screen.getByText('Token: error')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Join standup' }));
    act(() => media.grant());
    await act(() => vi.advanceTimersByTimeAsync(10));

    expect(screen.getByText('Token: error')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Join standup' })).toBeTruthy();
    expect(logged).toHaveBeenCalledWith('Could not join', expect.objectContaining({ code: 'generator_failed' }));
    // The setup's afterEach fails the test on an unhandled rejection.
  });
});
