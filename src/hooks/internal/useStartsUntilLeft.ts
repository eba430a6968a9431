import type { UseSessionReturn } from '@livekit/components-react';
import * as React from 'react';
import { left } from './useSourceUntilLeft.js';

/**
 * LiveKit's session with a `start()` that leaving ends before it asks for its token: `end()`, or the
 * component's effects cleaned up (unmounted, or hidden by `<Activity>`). LiveKit's `start()` first
 * waits for its room to be disconnected, so one asked while an earlier session connects or is
 * connected (a double-clicked Join) waits for that session to end — and after `end()` ended it, went
 * on to fetch a token and connect: the user who had left was back in the room.
 *
 * The starts asked since the last leave share a signal (with the app's own, if any) that the next
 * leave aborts: LiveKit's `start()` stops waiting at once and rejects with `aborted`, as one whose
 * token comes after the leave does ({@link useSourceUntilLeft}, which covers the token's way:
 * LiveKit connects with it whatever the signal says). One that failed before hears the abort too:
 * LiveKit's then disconnects the room, as the leave does anyway.
 */
export function useStartsUntilLeft(session: UseSessionReturn): UseSessionReturn {
  const untilLeft = React.useRef<AbortController | null>(null);
  React.useEffect(() => () => leave(untilLeft), []);
  const { start, end } = session;
  // As stable as LiveKit's own: not new with each state of the session (an app's effect on them would run again).
  const actions = React.useMemo(
    () => ({
      start: async (options: Parameters<typeof start>[0] = {}) => {
        const { signal } = (untilLeft.current ??= new AbortController());
        try {
          await start({ ...options, signal: AbortSignal.any(options.signal ? [options.signal, signal] : [signal]) });
        } catch (reason) {
          throw signal.aborted ? left() : reason;
        }
      },
      end: () => {
        leave(untilLeft);
        return end();
      },
    }),
    [start, end],
  );
  return React.useMemo(() => ({ ...session, ...actions }), [session, actions]);
}

function leave(untilLeft: React.RefObject<AbortController | null>): void {
  untilLeft.current?.abort();
  untilLeft.current = null;
}
