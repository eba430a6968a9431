import { RoomEvent, type Room } from 'livekit-client';
import * as React from 'react';

/** Where livekit-client's `Room` keeps a connect under way (2.20 to 2.23 at least; not public API). */
interface ConnectUnderWay {
  connectFuture?: unknown;
  abortController?: AbortController;
}

/**
 * Cancels a connect the server ended before it finished. Told to leave while its peer connection
 * is still being set up (the participant removed, the room deleted), livekit-client's `Room` says
 * `disconnected` but keeps that connect pending until its peer-connection timeout (15 s), and hands
 * it to every `room.connect()` meanwhile: the `start()` after such a removal made no connection at
 * all, and failed with "could not establish pc connection" once the first timed out. Aborted as the
 * room disconnects, the ended connect fails at once, and the next one is a connect of its own. (The
 * app's own `disconnect()` aborts its connect itself; where the fields are not found, nothing is done.)
 */
export function useStaleConnectCancelled(room: Room): void {
  React.useEffect(() => {
    const onDisconnected = () => {
      const underWay = room as unknown as ConnectUnderWay;
      if (underWay.connectFuture) underWay.abortController?.abort();
    };
    room.on(RoomEvent.Disconnected, onDisconnected);
    return () => void room.off(RoomEvent.Disconnected, onDisconnected);
  }, [room]);
}
