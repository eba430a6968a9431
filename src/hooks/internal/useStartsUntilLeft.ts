import type { UseSessionReturn } from '@livekit/components-react';
import { ConnectionState, DisconnectReason, RoomEvent, type Room } from 'livekit-client';
import * as React from 'react';
import { untilDisconnectDone } from './roomLeaving.js';
import { left } from './useSourceUntilLeft.js';

/** A `start()` under way: the signal that the next leave aborts. */
interface Start {
  readonly controller: AbortController;
  /** Asked while a leave of the room may be under way: that leave's own disconnect does not end it. */
  afterLeaveUnderWay: boolean;
}

/**
 * LiveKit's session with a `start()` that leaving ends before it asks for its token: `end()`, the
 * component's effects cleaned up (unmounted, or hidden by `<Activity>`), or the app's own
 * `room.disconnect()` (LiveKit's `<DisconnectButton>`, the Leave of its `<ControlBar>`), which the
 * room reports as a client-initiated disconnect. LiveKit's `start()` first waits for its room to be
 * disconnected, so one asked while an earlier session connects or is connected (a double-clicked
 * Join) waits for that session to end — and after the leave went on to fetch a token and connect:
 * the user who had left was back in the room.
 *
 * Every start under way has a signal (with the app's own, if any) that the next leave aborts:
 * LiveKit's `start()` stops waiting at once and rejects with `aborted`, as one whose token comes
 * after the leave does ({@link useSourceUntilLeft}, which covers the token's way: LiveKit connects
 * with it whatever the signal says). A start that fails on its own ends no other: its room reports
 * that failure with another reason. A `start()` asked while a leave is still disconnecting the room
 * (the room says `connected` until it is done) comes after that leave: LiveKit's waits for it and
 * then joins, and the disconnect it waited for does not end it.
 *
 * Leaving, and a start that fails on its own, also stop the tracks LiveKit's `start()` turned on
 * before its room began to connect ({@link stopTracksWaitingToPublish}).
 */
export function useStartsUntilLeft(session: UseSessionReturn): UseSessionReturn {
  const [underWay] = React.useState(() => new Set<Start>());
  React.useEffect(() => () => leave(underWay), [underWay]);
  const { room, start, end } = session;
  React.useEffect(() => {
    const onDisconnected = (reason?: DisconnectReason) => {
      if (reason === DisconnectReason.CLIENT_INITIATED) leave(underWay, true);
    };
    room.on(RoomEvent.Disconnected, onDisconnected);
    return () => void room.off(RoomEvent.Disconnected, onDisconnected);
  }, [room, underWay]);
  // As stable as LiveKit's own: not new with each state of the session (an app's effect on them would run again).
  const actions = React.useMemo(
    () => ({
      start: async (options: Parameters<typeof start>[0] = {}) => {
        const asked = askedNow(room);
        underWay.add(asked);
        const { signal } = asked.controller;
        starts.set(room, (starts.get(room) ?? 0) + 1);
        try {
          // Raced with the leave: LiveKit's waits hear an abort only while they wait, and one that begins after it (the
          // leave in the task its connect ended) waits for good.
          await Promise.race([
            start({ ...options, signal: AbortSignal.any(options.signal ? [options.signal, signal] : [signal]) }),
            new Promise((_, reject) => signal.addEventListener('abort', reject, { once: true })),
          ]);
        } catch (reason) {
          throw signal.aborted ? left() : reason;
        } finally {
          underWay.delete(asked);
          starts.set(room, starts.get(room)! - 1);
          // Left (end(), the unmount, the app's own disconnect) or failed (a refused token, a connect that
          // failed) before its room connected: the tracks it turned on are no one's now. (Joined: nothing to do.)
          stopTracksWaitingToPublish(room);
        }
      },
      end: () => {
        leave(underWay);
        return end();
      },
    }),
    [underWay, room, start, end],
  );
  return React.useMemo(() => ({ ...session, ...actions }), [session, actions]);
}

/**
 * A start asked now. livekit-client's `disconnect()` holds the room's disconnect lock until the room
 * is disconnected: held while the room is not disconnected yet, a leave may be under way. (A
 * `connect()` holds it too, for a moment — one queued behind another: nothing to leave — so the
 * start is spared only until the lock is let go, not treated as the end of the starts before it.)
 */
function askedNow(room: Room): Start {
  const leaving = room.state === ConnectionState.Disconnected ? undefined : untilDisconnectDone(room);
  const asked: Start = { controller: new AbortController(), afterLeaveUnderWay: leaving !== undefined };
  // A leave of a room already disconnected announces nothing: the next disconnect is a leave again.
  void leaving?.then(() => (asked.afterLeaveUnderWay = false));
  return asked;
}

/** Ends the starts under way (each leaves the set as it settles); with `spareAfterLeaveUnderWay`, those asked during the leave heard of go on. */
function leave(underWay: Set<Start>, spareAfterLeaveUnderWay = false): void {
  for (const start of underWay) {
    if (spareAfterLeaveUnderWay && start.afterLeaveUnderWay) start.afterLeaveUnderWay = false;
    else start.controller.abort();
  }
}

/** How many of the hooks path's starts are under way on each room: the tracks waiting to publish are theirs. */
const starts = new WeakMap<Room, number>();

/** What of livekit-client's `LocalParticipant` holds and unwinds the publishes waiting for a connection (2.20 to 2.23 at least; not public API). */
interface PublishesWaiting {
  /** The sources `set…Enabled` is turning on: asking for the device, then waiting to publish. */
  pendingPublishing?: ReadonlySet<unknown>;
  handleClosing?: () => void;
}

/**
 * Stops the tracks LiveKit's `start()` turned on (its microphone by default, the camera if asked)
 * once no start of the room goes on and the room is disconnected: the session was left (`end()`,
 * the component's effects cleaned up) or its start failed (a refused token, a connect that
 * failed) before the room connected. livekit-client publishes them only once connected and keeps
 * them meanwhile out of reach, capturing until its publish timeout (15 s); and the leave of a room
 * still disconnected closes no connection, which is what unwinds them once the room connects. This
 * is livekit-client's own handling of a connection closed before the server answered: the
 * publishes waiting for it fail, and its `set…Enabled` stops the tracks it made for them.
 *
 * A device the browser grants later (its permission prompt still open, a camera slow to start)
 * becomes such a track only then, and nothing announces it: while a device request is open this
 * looks again every 20 ms (as livekit-client's own wait for a pending publish does) and stops it
 * as soon as it waits — unless a start has begun meanwhile, whose `set…Enabled` takes that request
 * over as its own. Where the handler is not found, nothing is done.
 */
function stopTracksWaitingToPublish(room: Room): void {
  const participant = room.localParticipant as unknown as PublishesWaiting;
  // A room that connects or is connected is left by its disconnect, which closes its connection itself.
  if (room.state === ConnectionState.Disconnected && !starts.get(room)) participant.handleClosing?.();
  if (!participant.pendingPublishing?.size || looking.has(room)) return;
  looking.add(room);
  setTimeout(() => {
    looking.delete(room);
    stopTracksWaitingToPublish(room);
  }, 20);
}

/** The rooms {@link stopTracksWaitingToPublish} looks at again in 20 ms: one look per room, however many starts settled. */
const looking = new WeakSet<Room>();
