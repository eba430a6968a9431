import type { ConnectionState } from 'livekit-client';
import type { CustomTokenError } from '../core/errors.js';
import { createSessionContext, useRequiredContext, useSessionContext } from './createSessionContext.js';

/**
 * The session's connection state and its one error. Immutable; a new object only when a field changes.
 *
 * @example
 * ```tsx
 * import { ConnectionState } from 'livekit-client';
 * import { useSessionState, type SessionState } from 'livekit-custom-token-react';
 *
 * function statusText({ connectionState, error }: SessionState): string {
 *   if (error) return `Failed (${error.code})`;
 *   return connectionState === ConnectionState.Reconnecting ? 'Reconnecting…' : connectionState;
 * }
 *
 * // Inside <CustomTokenSessionProvider>:
 * export const CallStatus = () => <p role="status">{statusText(useSessionState())}</p>;
 * ```
 */
export interface SessionState {
  /** LiveKit's room connection state. */
  readonly connectionState: ConnectionState;
  /** Connected, or reconnecting after having been connected. */
  readonly isConnected: boolean;
  /** `start()` is in flight: fetching a token, connecting, or waiting for a dispatched agent. False from the moment an `end()` abandons it. */
  readonly isStarting: boolean;
  /** `end()` is disconnecting, or undoing a start it abandoned. */
  readonly isEnding: boolean;
  /**
   * The last failure, cleared by the next `start()` (not by one on a live call, which starts
   * nothing: the agent that left it is still gone): token errors as the token source reports
   * them, `connection_failed` (with LiveKit's `reason`), `media_failed` (with its
   * `MediaDeviceFailure`), `agent_failed` (with `failureReasons`) and `disconnected` (with
   * LiveKit's `DisconnectReason`).
   */
  readonly error: CustomTokenError | null;
}

/** The session's state, provided by `CustomTokenSessionProvider`. */
export const SessionStateContext = /* @__PURE__ */ createSessionContext<SessionState>('SessionStateContext');

/** The state before any effect ran: what the provider renders on the server, read while hydrating (see `useSessionContext`). */
const SERVER_STATE: SessionState = {
  connectionState: 'disconnected' as ConnectionState,
  isConnected: false,
  isStarting: false,
  isEnding: false,
  error: null,
};

/**
 * Reads the session state where a `<CustomTokenSessionProvider>` may be missing: `null` outside one,
 * where `useSessionState` throws.
 *
 * @example
 * ```tsx
 * import { useMaybeSessionStateContext } from 'livekit-custom-token-react';
 *
 * export function Badge() {
 *   const session = useMaybeSessionStateContext();
 *   return <span>{session?.connectionState ?? 'no session'}</span>;
 * }
 * ```
 */
export const useMaybeSessionStateContext = (): SessionState | null => useSessionContext(SessionStateContext, SERVER_STATE);

/** Reads the session state; outside a `<CustomTokenSessionProvider>` it throws, naming the hook that asked. */
export const useSessionStateContext = (hookName: string): SessionState => useRequiredContext(SessionStateContext, hookName, SERVER_STATE);
