import { useSessionContext } from '@livekit/components-react';
import { render, waitFor } from '@testing-library/react';
import * as React from 'react';
import { describe, expect, it } from 'vitest';
import { useSessionState, type UseSessionStateReturn } from '../../src/hooks/useSessionState';
import { CustomTokenSessionProvider, type CustomTokenSessionProviderProps } from '../../src/providers/CustomTokenSessionProvider';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { settle } from './render';

/** React 19.2's `<Activity>`; React 18 has none. */
const Activity = (React as { Activity?: React.ComponentType<{ mode: 'visible' | 'hidden'; children: React.ReactNode }> }).Activity;

/**
 * The provider inside `<Activity>` (StrictMode): hidden, its effects are cleaned up (LiveKit's
 * `useSession` disconnects its room, as on unmount) while its state is kept; visible, they run again.
 */
function renderInActivity(props: CustomTokenSessionProviderProps) {
  const latest: { state: UseSessionStateReturn | null; liveKitConnected: boolean | null } = { state: null, liveKitConnected: null };
  function Probe() {
    latest.state = useSessionState();
    latest.liveKitConnected = useSessionContext().isConnected;
    return null;
  }
  const tree = (mode: 'visible' | 'hidden') => (
    <React.StrictMode>
      {Activity && (
        <Activity mode={mode}>
          <CustomTokenSessionProvider {...props}>
            <Probe />
          </CustomTokenSessionProvider>
        </Activity>
      )}
    </React.StrictMode>
  );
  const result = render(tree('visible'));
  return {
    session: () => latest.state as UseSessionStateReturn,
    liveKitConnected: () => latest.liveKitConnected,
    setMode: (mode: 'visible' | 'hidden') => result.rerender(tree(mode)),
  };
}

describe.skipIf(Activity === undefined)('CustomTokenSessionProvider inside <Activity>', () => {
  it('hidden, ends the call; visible again, says so (not connected) and starts a new session on start()', async () => {
    const { room, connect } = roomWithoutServer();
    const { session, liveKitConnected, setMode } = renderInActivity({
      generator: tokenGenerator(),
      room,
      roomName: 'standup',
      microphone: false,
    });
    await settle(() => session().start());
    expect(session().isConnected).toBe(true);

    setMode('hidden');
    await waitFor(() => expect(room.state).toBe('disconnected'));
    setMode('visible');
    await waitFor(() => expect(session().connectionState).toBe('disconnected'));
    expect(session().isConnected).toBe(false);
    // LiveKit's own session (every @livekit/components-react hook inside) agrees.
    expect(liveKitConnected()).toBe(false);

    await settle(() => session().start());
    expect(connect).toHaveBeenCalledTimes(2);
    expect(session().isConnected).toBe(true);
    await settle(() => session().end());
    expect(session().isConnected).toBe(false);
  });
});
