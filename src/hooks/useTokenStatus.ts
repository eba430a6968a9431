import * as React from 'react';
import type { CustomTokenSource } from '../core/CustomTokenSource.js';
import { CustomTokenError } from '../core/errors.js';
import type { TokenSnapshot } from '../core/types.js';
import { useMaybeTokenSourceContext } from '../context/TokenSourceContext.js';

/**
 * What {@link useTokenStatus} returns: the token snapshot and a stable `refresh`.
 *
 * @example
 * ```tsx
 * import { useTokenStatus, type UseTokenStatusReturn } from 'livekit-custom-token-react';
 *
 * function RetryButton({ token }: { token: UseTokenStatusReturn }) {
 *   return token.status === 'error' ? <button onClick={() => void token.refresh()}>Fetch again</button> : null;
 * }
 *
 * // Inside <CustomTokenSessionProvider>:
 * export function TokenRetry() {
 *   return <RetryButton token={useTokenStatus()} />;
 * }
 * ```
 */
export interface UseTokenStatusReturn extends TokenSnapshot {
  /** Fetches a new token for the current options now. Resolves once that fetch settles, with a token or failed (the snapshot says which); never rejects. */
  refresh: () => Promise<void>;
}

/**
 * The token status of a source: `status` (`idle`, `fetching`, `ready`, `expired` or `error`; a
 * token past its `expiresAt` is never `ready`), `expiresAt`, `identity`, `room`, `grants`, `error`.
 * Reads the session's source inside `<CustomTokenSessionProvider>`, or the one passed in.
 * Re-renders only when the snapshot changes; server-rendering safe.
 *
 * @throws a `CustomTokenError` with code `outside_provider` outside `<CustomTokenSessionProvider>` when no source is passed.
 * @example
 * ```tsx
 * import { useTokenStatus } from 'livekit-custom-token-react';
 *
 * // Inside <CustomTokenSessionProvider>, or pass the source: useTokenStatus(source).
 * export function TokenBadge() {
 *   const { status, identity, expiresAt } = useTokenStatus();
 *   if (status === 'ready' && expiresAt !== null) return <span>{`${identity} until ${new Date(expiresAt).toLocaleTimeString()}`}</span>;
 *   return <span>{status}</span>;
 * }
 * ```
 */
export function useTokenStatus(source?: CustomTokenSource): UseTokenStatusReturn {
  const sourceFromContext = useMaybeTokenSourceContext();
  const target = source ?? sourceFromContext;
  if (!target) {
    throw new CustomTokenError(
      'outside_provider',
      'useTokenStatus must be used within <CustomTokenSessionProvider>, or be given a source: useTokenStatus(source).',
    );
  }
  const snapshot = React.useSyncExternalStore(target.subscribe, target.getSnapshot, target.getServerSnapshot);
  return React.useMemo(() => ({ ...snapshot, refresh: target.refresh }), [snapshot, target]);
}
