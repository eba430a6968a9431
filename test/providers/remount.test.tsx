import { render, waitFor } from '@testing-library/react';
import * as React from 'react';
import { describe, expect, it } from 'vitest';
import { useSessionState, type UseSessionStateReturn } from '../../src/hooks/useSessionState';
import { CustomTokenSessionProvider, type CustomTokenSessionProviderProps } from '../../src/providers/CustomTokenSessionProvider';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { settle } from './render';

/** The provider under a `key` (StrictMode): a new key remounts it, as a user switch (`key={user.id}`) does. */
function renderKeyed(props: CustomTokenSessionProviderProps) {
  const latest: { current: UseSessionStateReturn | null } = { current: null };
  function Probe() {
    latest.current = useSessionState();
    return null;
  }
  const tree = (key: string) => (
    <React.StrictMode>
      <CustomTokenSessionProvider key={key} {...props}>
        <Probe />
      </CustomTokenSessionProvider>
    </React.StrictMode>
  );
  const result = render(tree('first'));
  return { session: () => latest.current as UseSessionStateReturn, remount: (key: string) => result.rerender(tree(key)) };
}

describe('CustomTokenSessionProvider remounted by a new key', () => {
  it('on a shared room (the `room` prop, or a RoomContext), the new session (connect) connects once the old one has left it', async () => {
    const { room, connect } = roomWithoutServer();
    const { session, remount } = renderKeyed({ generator: tokenGenerator(), room, roomName: 'standup', connect: true, microphone: false });
    await waitFor(() => expect(session().isConnected).toBe(true));
    expect(connect).toHaveBeenCalledTimes(1);

    // The old provider's teardown disconnects the room: it must not be taken for the new session's connection.
    remount('second');
    await waitFor(() => expect(connect).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(room.state).toBe('connected'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(room.state).toBe('connected');
    expect(session().isConnected).toBe(true);
    await settle(() => session().end());
  });
});
