import type { TokenSourceConfigurable, TokenSourceResponseObject } from 'livekit-client';
import * as React from 'react';
import { CustomTokenError } from '../../core/errors.js';

const left = () => new CustomTokenError('aborted', 'useCustomTokenSession: its component has unmounted; start() connects nothing.');

/**
 * A view of `source` for LiveKit's `useSession` whose tokens nothing connects with once the
 * component's effects are cleaned up (unmounted, or hidden by `<Activity>`). LiveKit's `start()`
 * connects with the token it waited for whenever that comes, and the disconnect of its unmount
 * finds a room not yet connected: a token that came later — its call going on for another user of
 * the source (a parent's, another source of the `scope`) — connected a room nobody shows.
 *
 * The check is in the answer's `participantToken`, which LiveKit reads in the same step as it calls
 * `room.connect`: an unmount in the microtasks between the answer and that step is seen too, and the
 * start rejects with an `aborted` error. Forced fetches (the next session's token, never connected
 * with, never awaited) pass as they are.
 */
export function useSourceWhileMounted<S extends TokenSourceConfigurable>(source: S): S {
  const mounted = React.useRef(true);
  React.useEffect(() => {
    mounted.current = true; // back after StrictMode's remount, or <Activity> shown again
    return () => void (mounted.current = false);
  }, []);
  return React.useMemo(
    () =>
      Object.create(source, {
        fetch: {
          value: (options: Parameters<S['fetch']>[0], force?: boolean) =>
            force
              ? source.fetch(options, force)
              : source.fetch(options).then((response: TokenSourceResponseObject) => ({
                  ...response,
                  get participantToken() {
                    if (!mounted.current) throw left();
                    return response.participantToken;
                  },
                })),
        },
      }) as S,
    [source],
  );
}
