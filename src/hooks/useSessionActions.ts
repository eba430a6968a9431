import { useSessionActionsContext, type SessionActions } from '../context/SessionActionsContext.js';

/**
 * The session's `start`, `end` and `restart` — stable for the provider's life and never
 * rejecting — without its state: a component using only this never re-renders for a state change.
 *
 * @throws outside `<CustomTokenSessionProvider>`.
 * @example
 * ```tsx
 * import { useSessionActions } from 'livekit-custom-token-react';
 *
 * // Inside <CustomTokenSessionProvider>:
 * export function LeaveButton() {
 *   const { end } = useSessionActions();
 *   return <button onClick={() => void end()}>Leave</button>;
 * }
 * ```
 */
export function useSessionActions(): SessionActions {
  return useSessionActionsContext('useSessionActions');
}
