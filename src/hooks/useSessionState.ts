import * as React from 'react';
import { useSessionActionsContext, type SessionActions } from '../context/SessionActionsContext.js';
import { useSessionStateContext, type SessionState } from '../context/SessionStateContext.js';

/**
 * What {@link useSessionState} returns: the session's state and its stable actions.
 *
 * @example
 * ```tsx
 * import { useSessionState, type UseSessionStateReturn } from 'livekit-custom-token-react';
 *
 * const joinLabel = ({ isStarting, isConnected }: UseSessionStateReturn) => (isStarting ? 'Joining…' : isConnected ? 'Joined' : 'Join');
 *
 * // Inside <CustomTokenSessionProvider>:
 * export function JoinButton() {
 *   const session = useSessionState();
 *   return <button onClick={() => void session.start()} disabled={session.isConnected}>{joinLabel(session)}</button>;
 * }
 * ```
 */
export interface UseSessionStateReturn extends SessionState, SessionActions {}

/**
 * The session's connection state, its one typed `error`, and the actions `start`, `end` and
 * `restart` (stable, never rejecting). Re-renders when the state changes; a component that only
 * needs the actions should use `useSessionActions`, which never re-renders for state. While React
 * hydrates server HTML it returns the state the server rendered (as do `useAgentStatus`,
 * `useCameraTracks` and the `useMaybe…Context` hooks), so that a `<Suspense>` boundary hydrated
 * after `connect` started the session matches it (React 19; React 18 renders such a boundary again
 * on the client); the live state follows right after.
 *
 * @throws a `CustomTokenError` with code `outside_provider` outside `<CustomTokenSessionProvider>`.
 * @example
 * ```tsx
 * import { useSessionState } from 'livekit-custom-token-react';
 *
 * // Inside <CustomTokenSessionProvider>:
 * export function CallStatus() {
 *   const { isConnected, isStarting, error, start } = useSessionState();
 *   if (isConnected) return <p>Live</p>;
 *   // The error stays until the next start(): the button is there to try again.
 *   return (
 *     <>
 *       {error && <p role="alert">{error.code}: {error.message}</p>}
 *       <button onClick={start} disabled={isStarting}>Join</button>
 *     </>
 *   );
 * }
 * ```
 */
export function useSessionState(): UseSessionStateReturn {
  const state = useSessionStateContext('useSessionState');
  const actions = useSessionActionsContext('useSessionState');
  return React.useMemo(() => ({ ...state, ...actions }), [state, actions]);
}
