import * as React from 'react';

/**
 * One context of the session provider, with its two readers: `useMaybe` (null outside the
 * provider) and `useRequired(hookName)`, which throws a message naming the hook and the provider.
 */
export function createSessionContext<T>(displayName: string) {
  const Context = React.createContext<T | null>(null);
  Context.displayName = displayName;

  function useMaybe(): T | null {
    return React.useContext(Context);
  }

  function useRequired(hookName: string): T {
    const value = React.useContext(Context);
    if (value === null) {
      throw new Error(`${hookName} must be used within <CustomTokenSessionProvider>.`);
    }
    return value;
  }

  return { Context, useMaybe, useRequired } as const;
}
