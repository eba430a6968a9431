import * as React from 'react';
import { createSessionContext, useRequiredContext } from './createSessionContext.js';

/**
 * The session's actions. Stable for the provider's life; none of them ever rejects.
 *
 * @example
 * ```tsx
 * import { useSessionActions, type SessionActions } from 'livekit-custom-token-react';
 *
 * function CallControls({ actions }: { actions: SessionActions }) {
 *   return (
 *     <>
 *       <button onClick={() => void actions.restart()}>Rejoin</button>
 *       <button onClick={() => void actions.end()}>Leave</button>
 *     </>
 *   );
 * }
 *
 * // Inside <CustomTokenSessionProvider>:
 * export const Controls = () => <CallControls actions={useSessionActions()} />;
 * ```
 */
export interface SessionActions {
  /** Connects (fetching a token first). A call while connecting returns the same promise. */
  readonly start: () => Promise<void>;
  /** Disconnects, aborting a connect in flight. */
  readonly end: () => Promise<void>;
  /** Ends the current session, if any, and starts a new one. */
  readonly restart: () => Promise<void>;
}

/** The session's actions, provided by `CustomTokenSessionProvider`, apart from its state. */
export const SessionActionsContext = /* @__PURE__ */ createSessionContext<SessionActions>('SessionActionsContext');

/**
 * Reads the session actions where a `<CustomTokenSessionProvider>` may be missing: `null` outside one,
 * where `useSessionActions` throws.
 *
 * @example
 * ```tsx
 * import { useMaybeSessionActionsContext } from 'livekit-custom-token-react';
 *
 * export function Badge() {
 *   const actions = useMaybeSessionActionsContext();
 *   return <button disabled={!actions} onClick={() => void actions?.start()}>Join</button>;
 * }
 * ```
 */
export const useMaybeSessionActionsContext = (): SessionActions | null => React.useContext(SessionActionsContext);

/** Reads the session actions; outside a `<CustomTokenSessionProvider>` it throws, naming the hook that asked. */
export const useSessionActionsContext = (hookName: string): SessionActions => useRequiredContext(SessionActionsContext, hookName);
