import { ConnectionState, RoomEvent, type Room } from 'livekit-client';

/** Rooms a provider's teardown is disconnecting, until they are disconnected. */
const leaving = new WeakMap<Room, Promise<void>>();

/**
 * Records that `room` is being left: LiveKit's `useSession` disconnects its room in its effect
 * cleanup (unmount, a `key` change, `<Activity mode="hidden">`), and the room still says
 * `connected` until the leave is sent. A provider mounted at the same time on the same room (the
 * `room` prop, or a RoomContext) must not take that connection for its own. However long the leave
 * takes (offline, say): a start that went ahead found the room "connected", did not connect, and
 * then ended without a word when the leave finished.
 */
export function markLeaving(room: Room): void {
  if (room.state === ConnectionState.Disconnected || leaving.has(room)) return;
  leaving.set(
    room,
    new Promise((resolve) => {
      room.once(RoomEvent.Disconnected, () => {
        leaving.delete(room);
        resolve();
      });
    }),
  );
}

/** Resolves once a teardown's disconnect of `room` has finished; `undefined` when none is under way. */
export function untilLeft(room: Room): Promise<void> | undefined {
  return leaving.get(room);
}

/**
 * Resolves once a `room.disconnect()` under way has finished (the app's own: LiveKit's
 * `<DisconnectButton>`, or `void room.disconnect()` just before a `start()`); `undefined` when none
 * is. Until then the room says `connected` and announces nothing. livekit-client's `disconnect()`
 * holds the room's disconnect lock until the room is disconnected, and its own `connect()` waits
 * for that lock first: so does this. The lock is not public API: where it is not found, this says
 * none is under way (a start then finds the room connected, as before).
 */
export function untilDisconnectDone(room: Room): Promise<void> | undefined {
  const lock = (room as unknown as { disconnectLock?: Partial<DisconnectLock> }).disconnectLock;
  if (!lock?.isLocked?.() || typeof lock.lock !== 'function') return undefined;
  return lock.lock().then((unlock) => unlock());
}

/** livekit-client's `Mutex`, as `Room` holds it in `disconnectLock` (2.20 to 2.23 at least). */
interface DisconnectLock {
  isLocked(): boolean;
  lock(): Promise<() => void>;
}
