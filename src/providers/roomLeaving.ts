import { ConnectionState, RoomEvent, type Room } from 'livekit-client';

/** Rooms a provider's teardown is disconnecting, until they are disconnected (or {@link LEAVE_WAIT_MS} passed). */
const leaving = new WeakMap<Room, Promise<void>>();

/** How long a start waits for a room to be left; a disconnect that cannot send its leave (offline) does not hold it up longer. */
const LEAVE_WAIT_MS = 2_000;

/**
 * Records that `room` is being left: LiveKit's `useSession` disconnects its room in its effect
 * cleanup (unmount, a `key` change, `<Activity mode="hidden">`), and the room still says
 * `connected` until the leave is sent. A provider mounted at the same time on the same room (the
 * `room` prop, or a RoomContext) must not take that connection for its own.
 */
export function markLeaving(room: Room): void {
  if (room.state === ConnectionState.Disconnected || leaving.has(room)) return;
  leaving.set(
    room,
    new Promise((resolve) => {
      const left = () => {
        clearTimeout(timer);
        room.off(RoomEvent.Disconnected, left);
        leaving.delete(room);
        resolve();
      };
      const timer = setTimeout(left, LEAVE_WAIT_MS);
      room.on(RoomEvent.Disconnected, left);
    }),
  );
}

/** Resolves once a teardown's disconnect of `room` has finished; `undefined` when none is under way. */
export function untilLeft(room: Room): Promise<void> | undefined {
  return leaving.get(room);
}
