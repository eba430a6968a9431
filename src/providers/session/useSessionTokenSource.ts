import * as React from 'react';
import type { CustomTokenSource } from '../../core/CustomTokenSource.js';
import type { TokenFetchOptions } from '../../core/types.js';
import { useLatest } from '../../hooks/internal/useLatest.js';
import { SessionTokenSource } from './SessionTokenSource.js';

interface UseSessionTokenSourceReturn {
  /** Stable for the provider's life; what `useSession` is given. */
  sessionSource: SessionTokenSource;
  /** The fetch options of the current session (with the derived room name when fresh rooms are on). */
  options: TokenFetchOptions;
  /**
   * The options the next `start()` fetches with: `options`, but with a room moved on when a session
   * ended even before the render that shows it (a `connect` effect may start at once).
   */
  nextStartOptions: () => TokenFetchOptions;
}

/**
 * The provider's token source for `useSession` (pre-warming on mount only with `prefetch`), and —
 * with `freshRoom` — a room name derived per session (`<roomName>-<random>`), moved on when a
 * session ends so the next one creates a new room (a dispatched agent never rejoins an existing one).
 */
export function useSessionTokenSource(
  source: CustomTokenSource,
  options: TokenFetchOptions,
  freshRoom: boolean,
  prefetch: boolean,
): UseSessionTokenSourceReturn {
  // The room suffix moves on when a session ends, before the render that shows it: a `connect`
  // effect may start the next session at once.
  const [next] = React.useState(() => ({ suffix: randomSuffix() }));
  const [suffix, setSuffix] = React.useState(next.suffix);
  const sessionOptions = React.useMemo(() => (freshRoom ? inFreshRoom(options, suffix) : options), [freshRoom, options, suffix]);
  const latest = useLatest({ source, options, freshRoom, prefetch });
  const [sessionSource] = React.useState(
    () =>
      new SessionTokenSource(
        () => latest.current.source,
        (ended) => {
          if (!latest.current.freshRoom) return ended;
          next.suffix = randomSuffix();
          setSuffix(next.suffix);
          return { ...ended, roomName: inFreshRoom(latest.current.options, next.suffix).roomName };
        },
        () => latest.current.prefetch,
      ),
  );
  const nextStartOptions = React.useCallback(() => {
    const { freshRoom: fresh, options: current } = latest.current;
    return fresh ? inFreshRoom(current, next.suffix) : current;
  }, [latest, next]);
  return { sessionSource, options: sessionOptions, nextStartOptions };
}

function inFreshRoom(options: TokenFetchOptions, suffix: string): TokenFetchOptions {
  return { ...options, roomName: `${options.roomName || 'session'}-${suffix}` };
}

function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}
