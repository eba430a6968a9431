import * as React from 'react';
import type { CustomTokenSource } from '../../core/CustomTokenSource.js';
import { noop } from '../../core/noop.js';

/**
 * Makes a session's component a user of its token source, while mounted: subscribed (so a fresh
 * token is kept ready ahead of expiry) and holding the source connected while the session is (no
 * refresh-ahead during a call). Leaving — unmount, or another source — lets go of that hold, so
 * the source refreshes ahead again for whoever still uses it, unless another session on it is in a call.
 * Shared by `useCustomTokenSession` and `CustomTokenSessionProvider`.
 */
export function useSourceForSession(source: CustomTokenSource, isConnected: boolean): void {
  React.useEffect(() => source.subscribe(noop), [source]);
  // Held, not set: with one source under several sessions, one leaving must not end another's call.
  React.useEffect(() => (isConnected ? source.holdConnected() : undefined), [source, isConnected]);
}
