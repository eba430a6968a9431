import * as React from 'react';
import { useSessionState } from '../hooks/useSessionState.js';
import { classNames } from './classNames.js';

/**
 * What {@link ConnectButton} shows, also its `data-state`.
 *
 * @example
 * ```tsx
 * import { ConnectButton, type ConnectButtonState } from 'livekit-custom-token-react';
 *
 * const LABELS: Record<ConnectButtonState, string> = {
 *   disconnected: 'Join call', connecting: 'Cancel', connected: 'Leave call', disconnecting: 'Leaving…',
 * };
 *
 * // Inside <CustomTokenSessionProvider>:
 * export const JoinButton = () => <ConnectButton labels={LABELS} />;
 * ```
 */
export type ConnectButtonState = 'disconnected' | 'connecting' | 'connected' | 'disconnecting';

/**
 * Props of {@link ConnectButton}.
 *
 * @example
 * ```tsx
 * import { ConnectButton, type ConnectButtonProps } from 'livekit-custom-token-react';
 *
 * // The app's own button: its labels and class, every other prop passed through.
 * export function JoinButton(props: ConnectButtonProps) {
 *   return <ConnectButton labels={{ disconnected: 'Join', connected: 'Leave' }} {...props} className="btn btn-primary" />;
 * }
 * ```
 */
export interface ConnectButtonProps extends Omit<React.ButtonHTMLAttributes<HTMLButtonElement>, 'onClick' | 'children'> {
  /**
   * Text per state. While connecting the button cancels, so its text says so.
   * @defaultValue 'Connect', 'Cancel connecting', 'Disconnect', 'Disconnecting…' (disconnected, connecting, connected, disconnecting)
   */
  labels?: Partial<Record<ConnectButtonState, string>> | undefined;
}

const DEFAULT_LABELS: Record<ConnectButtonState, string> = {
  disconnected: 'Connect',
  connecting: 'Cancel connecting',
  connected: 'Disconnect',
  disconnecting: 'Disconnecting…',
};

/**
 * Connects and disconnects the session. While connecting it is busy (`aria-busy`) and a click
 * cancels — its default text, "Cancel connecting", says so; while disconnecting it is busy and
 * `aria-disabled` (a click does nothing), but not `disabled`, so it keeps the keyboard focus.
 * Unstyled: class `lk-ctr-connect-button`, `data-state` and `aria-busy` for state.
 *
 * @example
 * ```tsx
 * import { ConnectButton, CustomTokenSessionProvider } from 'livekit-custom-token-react';
 *
 * export const App = () => (
 *   <CustomTokenSessionProvider tokenEndpoint="/api/livekit-token" roomName="standup">
 *     <ConnectButton labels={{ disconnected: 'Join call', connected: 'Leave' }} />
 *   </CustomTokenSessionProvider>
 * );
 * ```
 */
export function ConnectButton({ labels, className, disabled, ...rest }: ConnectButtonProps) {
  const { isConnected, isStarting, isEnding, start, end } = useSessionState();
  const state: ConnectButtonState = isEnding ? 'disconnecting' : isStarting ? 'connecting' : isConnected ? 'connected' : 'disconnected';
  return (
    <button
      type="button"
      {...rest}
      className={classNames('lk-ctr-connect-button', className)}
      data-state={state}
      aria-busy={state === 'connecting' || state === 'disconnecting'}
      // A disabled button drops the keyboard focus to <body>: while disconnecting it only says it is unavailable.
      aria-disabled={state === 'disconnecting' || undefined}
      disabled={disabled}
      onClick={state === 'disconnecting' ? undefined : state === 'disconnected' ? start : end}
    >
      {labels?.[state] ?? DEFAULT_LABELS[state]}
    </button>
  );
}
