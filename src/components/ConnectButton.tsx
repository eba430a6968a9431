import * as React from 'react';
import { useSessionState } from '../hooks/useSessionState.js';
import { classNames } from './classNames.js';

/** What {@link ConnectButton} shows, also its `data-state`. */
export type ConnectButtonState = 'disconnected' | 'connecting' | 'connected' | 'disconnecting';

/** Props of {@link ConnectButton}. */
export interface ConnectButtonProps extends Omit<React.ButtonHTMLAttributes<HTMLButtonElement>, 'onClick' | 'children'> {
  /** Text per state. @defaultValue `Connect`, `Connecting…`, `Disconnect`, `Disconnecting…` */
  labels?: Partial<Record<ConnectButtonState, string>>;
}

const DEFAULT_LABELS: Record<ConnectButtonState, string> = {
  disconnected: 'Connect',
  connecting: 'Connecting…',
  connected: 'Disconnect',
  disconnecting: 'Disconnecting…',
};

/**
 * Connects and disconnects the session. While connecting, a click cancels; while disconnecting
 * it is disabled. Unstyled: class `lk-ctr-connect-button`, `data-state` and `aria-busy` for state.
 *
 * @example
 * ```tsx
 * <CustomTokenSessionProvider generator={generator} roomName="standup">
 *   <ConnectButton labels={{ disconnected: 'Join call', connected: 'Leave' }} />
 * </CustomTokenSessionProvider>
 * ```
 */
export function ConnectButton({ labels, className, disabled, ...rest }: ConnectButtonProps) {
  const { isConnected, isStarting, isEnding, start, end } = useSessionState();
  const state: ConnectButtonState = isEnding ? 'disconnecting' : isStarting ? 'connecting' : isConnected ? 'connected' : 'disconnected';
  const label = labels?.[state] ?? DEFAULT_LABELS[state];
  return (
    <button
      type="button"
      {...rest}
      className={classNames('lk-ctr-connect-button', className)}
      data-state={state}
      aria-busy={state === 'connecting' || state === 'disconnecting'}
      disabled={disabled || state === 'disconnecting'}
      onClick={state === 'disconnected' ? start : end}
    >
      {label}
    </button>
  );
}
