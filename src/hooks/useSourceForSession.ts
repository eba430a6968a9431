import * as React from 'react';
import type { CustomTokenSource } from '../core/CustomTokenSource.js';

const noop = () => {};

/**
 * Makes a session's component a user of its token source, while mounted: subscribed (so a fresh
 * token is kept ready ahead of expiry) and telling the source whether the session is connected
 * (no refresh-ahead during a call). Leaving — unmount, or another source — while connected tells
 * the source it is no longer in a call, so it refreshes ahead again for whoever still uses it.
 * Shared by `useCustomTokenSession` and `CustomTokenSessionProvider`.
 */
export function useSourceForSession(source: CustomTokenSource, isConnected: boolean): void {
  React.useEffect(() => source.subscribe(noop), [source]);
  React.useEffect(() => {
    source.setConnected(isConnected);
    return () => source.setConnected(false);
  }, [source, isConnected]);
}
