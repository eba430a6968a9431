import type { UseSessionReturn } from '@livekit/components-react';
import { RoomEvent } from 'livekit-client';
import * as React from 'react';
import { useLatest } from './useLatest.js';

/**
 * Tells LiveKit's `useSession` its room's real connection state when its effects come back.
 *
 * `useSession` follows the room from an effect, and its own effect cleanup disconnects the room.
 * Between a cleanup and the next setup without an unmount — `<Activity mode="hidden">` and back,
 * or Fast Refresh of the component that calls `useSession` (a new room) — it hears nothing, so it
 * came back still saying `connected` about a room that was not: `isConnected` stayed `true`,
 * `end()` did nothing and the token source stayed held as in a call. LiveKit's `useAgent` follows
 * the room in the same way, and given another `Room` it went on saying `failed` about an agent that
 * had left the old one while the session in the new one waited for its own. This effect,
 * after theirs (called after both in the same component; a child's effects run first anyway),
 * re-announces the room's state when it differs from the session's; every listener gets the state
 * the room already has.
 */
export function useRoomStateResync(session: UseSessionReturn): void {
  const { room } = session;
  const connectionState = useLatest(session.connectionState);
  React.useEffect(() => {
    if (room.state !== connectionState.current) room.emit(RoomEvent.ConnectionStateChanged, room.state);
  }, [room, connectionState]);
}
