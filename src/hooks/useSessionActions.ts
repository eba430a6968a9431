import { useSessionActionsContext, type SessionActions } from '../context/SessionActionsContext.js';

/**
 * What {@link useSessionActions} returns: the session's stable `start`, `end` and `restart`.
 *
 * @example
 * ```tsx
 * import { useSessionActions, type UseSessionActionsReturn } from 'livekit-custom-token-react';
 *
 * function JoinButton({ actions }: { actions: UseSessionActionsReturn }) {
 *   return <button onClick={() => void actions.start()}>Join</button>;
 * }
 * // Inside <CustomTokenSessionProvider>:
 * export function Join() {
 *   return <JoinButton actions={useSessionActions()} />;
 * }
 * ```
 */
export type UseSessionActionsReturn = SessionActions;

/**
 * The session's `start`, `end` and `restart` — stable for the provider's life and never
 * rejecting — without its state: a component using only this never re-renders for a state change.
 *
 * @throws a `CustomTokenError` with code `outside_provider` outside `<CustomTokenSessionProvider>`.
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
export function useSessionActions(): UseSessionActionsReturn {
  return useSessionActionsContext('useSessionActions');
}
