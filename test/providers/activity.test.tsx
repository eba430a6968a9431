import { useSessionContext } from '@livekit/components-react';
import { render, waitFor } from '@testing-library/react';
import { decodeTokenPayload } from 'livekit-client';
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

  it('with freshRoomPerSession, the session after a hidden call joins a new room', async () => {
    const { room, connect } = roomWithoutServer();
    const generator = tokenGenerator();
    const { session, setMode } = renderInActivity({ generator, room, roomName: 'support', freshRoomPerSession: true, microphone: false });
    await settle(() => session().start());
    const firstToken = connect.mock.calls[0]![1];

    setMode('hidden');
    await waitFor(() => expect(room.state).toBe('disconnected'));
    setMode('visible');

    await settle(() => session().start());
    expect(connect).toHaveBeenCalledTimes(2);
    const rooms = connect.mock.calls.map(([, token]) => decodeTokenPayload(token).video?.room);
    // The room of the hidden call may still hold its agent: a dispatched agent never joins it again.
    expect(rooms[1]).not.toBe(rooms[0]);
    expect(connect.mock.calls[1]![1]).not.toBe(firstToken);
    await settle(() => session().end());
  });

  it('with connect and freshRoomPerSession, shown again it connects at once, to a new room', async () => {
    const { room, connect } = roomWithoutServer();
    const { session, setMode } = renderInActivity({
      generator: tokenGenerator(),
      room,
      roomName: 'support',
      freshRoomPerSession: true,
      connect: true,
      microphone: false,
    });
    await waitFor(() => expect(session().isConnected).toBe(true));

    setMode('hidden');
    await waitFor(() => expect(room.state).toBe('disconnected'));
    setMode('visible');

    // The `connect` effect runs again with the others: a new session, in a room of its own.
    await waitFor(() => expect(session().isConnected).toBe(true));
    expect(connect).toHaveBeenCalledTimes(2);
    const rooms = connect.mock.calls.map(([, token]) => decodeTokenPayload(token).video?.room);
    expect(rooms[1]).not.toBe(rooms[0]);
    await settle(() => session().end());
  });

  it('an <Activity> inside the provider hides its children, not the session: the call goes on', async () => {
    const { room } = roomWithoutServer();
    const Hideable = Activity!;
    const latest: { state: UseSessionStateReturn | null } = { state: null };
    function Probe() {
      latest.state = useSessionState();
      return null;
    }
    const tree = (mode: 'visible' | 'hidden') => (
      <React.StrictMode>
        <CustomTokenSessionProvider generator={tokenGenerator()} room={room} roomName="standup" connect microphone={false}>
          <Probe />
          <Hideable mode={mode}>
            <p>Call screen</p>
          </Hideable>
        </CustomTokenSessionProvider>
      </React.StrictMode>
    );
    const view = render(tree('visible'));
    await waitFor(() => expect(latest.state?.isConnected).toBe(true));
    view.rerender(tree('hidden'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(room.state).toBe('connected');
    view.rerender(tree('visible'));
    expect(latest.state?.isConnected).toBe(true);
    await settle(() => latest.state!.end());
  });
});
