import * as React from 'react';
import type { CustomTokenSource } from '../core/CustomTokenSource.js';
import type { TokenFetchOptions } from '../core/types.js';
import { useLatest } from '../hooks/useLatest.js';
import { SessionTokenSource } from './SessionTokenSource.js';

interface UseSessionTokenSourceReturn {
  /** Stable for the provider's life; what `useSession` is given. */
  sessionSource: SessionTokenSource;
  /** The fetch options of the current session (with the derived room name when fresh rooms are on). */
  options: TokenFetchOptions;
}

/**
 * The provider's token source for `useSession` (pre-warming on mount only with `prefetch`), and — with `freshRoom` — a room name derived
 * per session (`<roomName>-<random>`), moved on when a session ends so the next one creates a
 * new room (a dispatched agent never rejoins an existing one).
 */
export function useSessionTokenSource(
  source: CustomTokenSource,
  options: TokenFetchOptions,
  freshRoom: boolean,
  prefetch: boolean,
): UseSessionTokenSourceReturn {
  const [suffix, setSuffix] = React.useState(randomSuffix);
  const sessionOptions = React.useMemo(
    () => (freshRoom ? { ...options, roomName: `${options.roomName ?? 'session'}-${suffix}` } : options),
    [freshRoom, options, suffix],
  );
  const latest = useLatest({ source, options, freshRoom, prefetch });
  const [sessionSource] = React.useState(
    () =>
      new SessionTokenSource(
        () => latest.current.source,
        (ended) => {
          if (!latest.current.freshRoom) return ended;
          const next = randomSuffix();
          setSuffix(next);
          return { ...ended, roomName: `${latest.current.options.roomName ?? 'session'}-${next}` };
        },
        () => latest.current.prefetch,
      ),
  );
  return { sessionSource, options: sessionOptions };
}

function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}
