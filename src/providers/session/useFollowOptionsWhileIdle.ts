import { ConnectionState, RoomEvent, type Room } from 'livekit-client';
import * as React from 'react';
import type { TokenFetchOptions } from '../../core/types.js';
import type { SessionRunner } from './SessionRunner.js';
import type { SessionTokenSource } from './SessionTokenSource.js';

/**
 * How long options must stand still before the token in hand follows them: a room name typed a key
 * at a time is one generator call, not one per key. (Aborting the call for the previous options does
 * not take the request back: the endpoint has received it, minted, and counted it against its limits.)
 */
export const FOLLOW_OPTIONS_AFTER_MS = 500;

/**
 * While no session is connected or starting, moves the session's token source to the current
 * options once they, and the session, have stood still for {@link FOLLOW_OPTIONS_AFTER_MS} (see
 * `SessionTokenSource.follow`): the token in hand, its status and its refresh-ahead are then those
 * of the options a `start()` would use. Options changed during a call are left to the next session,
 * whose token the end of the call fetches. Watches the runner and the room itself: the provider does
 * not re-render for it.
 */
export function useFollowOptionsWhileIdle(
  sessionSource: SessionTokenSource,
  options: TokenFetchOptions,
  runner: SessionRunner,
  room: Room,
): void {
  // The mount's options are the pre-warm's (fetched, or not with `prefetch` off): only a change is followed.
  const [mountOptions] = React.useState(options);
  React.useEffect(() => {
    if (options === mountOptions) return;
    const idle = () => runner.getSnapshot().phase === 'idle' && room.state === ConnectionState.Disconnected;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = idle() ? setTimeout(() => sessionSource.follow(options), FOLLOW_OPTIONS_AFTER_MS) : undefined;
    };
    arm();
    const unsubscribe = runner.subscribe(arm);
    room.on(RoomEvent.ConnectionStateChanged, arm);
    return () => {
      unsubscribe();
      room.off(RoomEvent.ConnectionStateChanged, arm);
      clearTimeout(timer);
    };
  }, [sessionSource, options, runner, room, mountOptions]);
}
