import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { TokenGenerator } from '../../src/core/types';
import { useSessionState } from '../../src/hooks/useSessionState';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession } from '../providers/render';

// The TSDoc example of useSessionState (src/hooks/useSessionState.ts), as written.
function CallStatus() {
  const { isConnected, isStarting, error, start } = useSessionState();
  if (isConnected) return <p>Live</p>;
  // The error stays until the next start(): the button is there to try again.
  return (
    <>
      {error && (
        <p role="alert">
          {error.code}: {error.message}
        </p>
      )}
      <button onClick={start} disabled={isStarting}>
        Join
      </button>
    </>
  );
}

describe('the useSessionState TSDoc example', () => {
  it('shows a failed join, and offers to join again', async () => {
    const { room } = roomWithoutServer();
    const working = tokenGenerator();
    let signedIn = false;
    const generator = vi.fn<TokenGenerator>(async (request, context) => {
      if (!signedIn) throw Object.assign(new Error('signed out'), { status: 401 });
      return working(request, context);
    });
    renderSession({ generator, room, roomName: 'standup', microphone: false, prefetch: false }, { children: <CallStatus /> });

    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('http'));

    signedIn = true;
    fireEvent.click(await screen.findByRole('button', { name: 'Join' }));
    await waitFor(() => expect(screen.getByText('Live')).toBeTruthy());
  });
});
