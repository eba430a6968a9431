import type { TokenSourceConfigurable, TokenSourceResponseObject } from 'livekit-client';
import * as React from 'react';
import { CustomTokenError } from '../../core/errors.js';

/** How a `start()` ended by leaving rejects (also one that `useStartsUntilLeft` ends before it asked for its token). */
export const left = () =>
  new CustomTokenError(
    'aborted',
    'useCustomTokenSession: the session was left (unmounted, end(), or the room disconnected by the app) before its token came; start() connects nothing.',
  );

/**
 * A view of `source` for LiveKit's `useSession` whose tokens nothing connects with once the
 * session is left: the component's effects cleaned up (unmounted, or hidden by `<Activity>`), or
 * LiveKit's `end()` called after the token was asked for. LiveKit's `start()` connects with the
 * token it waited for whenever that comes, and the disconnect of its unmount or `end()` finds a
 * room not yet connected: a token that came later connected a room nobody shows, or a call the
 * user had left — its call going on for another user of the source (a parent's, another source of
 * the `scope`), or answering after `end()`.
 *
 * `end()` is seen by the forced fetch it makes for the next session's token (LiveKit's `useSession`
 * forces one on `end()` and after its room disconnects, both of which end the session a token still
 * on its way was for). Forced fetches (never connected with, never awaited) pass as they are.
 *
 * The check is in the answer's `participantToken`, which LiveKit reads in the same step as it calls
 * `room.connect`: a leave in the microtasks between the answer and that step is seen too, and the
 * start rejects with an `aborted` error.
 */
export function useSourceUntilLeft<S extends TokenSourceConfigurable>(source: S): S {
  const mounted = React.useRef(true);
  React.useEffect(() => {
    mounted.current = true; // back after StrictMode's remount, or <Activity> shown again
    return () => void (mounted.current = false);
  }, []);
  // eslint-disable-next-line react-hooks/refs -- read in the answer's getter, when LiveKit connects, never during render
  return React.useMemo(() => viewUntilLeft(source, mounted), [source]);
}

function viewUntilLeft<S extends TokenSourceConfigurable>(source: S, mounted: React.RefObject<boolean>): S {
  // How many sessions were left (forced fetches) so far: a token asked for before the last of them is stale.
  let sessionsLeft = 0;
  return Object.create(source, {
    fetch: {
      value: (options: Parameters<S['fetch']>[0], force?: boolean) => {
        if (force) {
          sessionsLeft += 1;
          return source.fetch(options, force);
        }
        const leftBefore = sessionsLeft;
        return source.fetch(options).then((response: TokenSourceResponseObject) => ({
          ...response,
          get participantToken() {
            if (!mounted.current || sessionsLeft !== leftBefore) throw left();
            return response.participantToken;
          },
        }));
      },
    },
  }) as S;
}
