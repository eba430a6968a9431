import * as React from 'react';

/**
 * One context of the session provider (`null` outside it), named for React DevTools. Called with a
 * `@__PURE__` annotation at module level, so that an app bundling one hook keeps no other context.
 */
export function createSessionContext<T>(displayName: string): React.Context<T | null> {
  const Context = React.createContext<T | null>(null);
  Context.displayName = displayName;
  return Context;
}

/** Reads a session context, throwing a message naming the hook and the provider outside one. */
export function useRequiredContext<T>(Context: React.Context<T | null>, hookName: string): T {
  const value = React.useContext(Context);
  if (value === null) {
    throw new Error(`${hookName} must be used within <CustomTokenSessionProvider>.`);
  }
  return value;
}
