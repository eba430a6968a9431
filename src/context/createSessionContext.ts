import * as React from 'react';
import { CustomTokenError } from '../core/errors.js';
import { useHydrating } from '../hooks/internal/useHydrating.js';

/**
 * One context of the session provider (`null` outside it), named for React DevTools. Called with a
 * `@__PURE__` annotation at module level, so that an app bundling one hook keeps no other context.
 */
export function createSessionContext<T>(displayName: string): React.Context<T | null> {
  const Context = React.createContext<T | null>(null);
  Context.displayName = displayName;
  return Context;
}

/**
 * Reads a session context; while React renders on the server or hydrates its HTML, `serverValue`
 * instead: what the provider holds before any effect ran. A `<Suspense>` boundary inside the
 * provider is hydrated after the provider, whose effects (`connect` starting the session) may have
 * changed the state by then: rendered with that, the boundary would not match the server's HTML,
 * and React 19 would throw it away. Read this way it hydrates, and renders again at once with the
 * live value. (React 18 renders such a boundary again on the client whatever it would render, for
 * any context update that reaches it before it hydrates.)
 */
export function useSessionContext<T>(Context: React.Context<T | null>, serverValue?: T): T | null {
  const value = React.useContext(Context);
  return useHydrating() && value !== null && serverValue !== undefined ? serverValue : value;
}

/** Reads a session context as {@link useSessionContext} does; outside a provider, throws `outside_provider` naming the hook and the provider. */
export function useRequiredContext<T>(Context: React.Context<T | null>, hookName: string, serverValue?: T): T {
  const value = useSessionContext(Context, serverValue);
  if (value === null) {
    throw new CustomTokenError('outside_provider', `${hookName} must be used within <CustomTokenSessionProvider>.`);
  }
  return value;
}
