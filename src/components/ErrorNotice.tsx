import * as React from 'react';
import type { CustomTokenErrorCode } from '../core/errors.js';
import { useSessionState } from '../hooks/useSessionState.js';
import { classNames } from './classNames.js';

/** Props of {@link ErrorNotice}. */
export interface ErrorNoticeProps extends Omit<React.HTMLAttributes<HTMLDivElement>, 'children'> {
  /** Headline per error code. @defaultValue an English headline per code */
  titles?: Partial<Record<CustomTokenErrorCode, string>>;
  /** The retry button's text. @defaultValue `Try again` */
  retryLabel?: string;
}

const TITLES: Record<CustomTokenErrorCode, string> = {
  invalid_options: 'The call is misconfigured',
  generator_failed: 'Could not get access to the call',
  timeout: 'Getting access to the call timed out',
  aborted: 'Connecting was cancelled',
  http: 'Could not get access to the call',
  invalid_response: 'The access token is not usable',
  expired: 'The access token has expired',
  mismatch: 'The access token is for a different call',
  connection_failed: 'Could not connect to the call',
  media_failed: 'Your camera or microphone could not start',
  agent_failed: 'The agent did not join',
  disconnected: 'The call was disconnected',
};

/**
 * The session's error, if any, as an alert with a retry button (which restarts the session).
 * Renders nothing without an error. Unstyled: class `lk-ctr-error-notice`, `data-code`.
 *
 * @example
 * ```tsx
 * <CustomTokenSessionProvider generator={generator} roomName="standup">
 *   <ErrorNotice retryLabel="Reconnect" />
 * </CustomTokenSessionProvider>
 * ```
 */
export function ErrorNotice({ titles, retryLabel = 'Try again', className, ...rest }: ErrorNoticeProps) {
  const { error, isStarting, restart } = useSessionState();
  if (!error) return null;
  return (
    <div role="alert" {...rest} className={classNames('lk-ctr-error-notice', className)} data-code={error.code}>
      <p className="lk-ctr-error-notice-title">{titles?.[error.code] ?? TITLES[error.code]}</p>
      <p className="lk-ctr-error-notice-message">{error.message}</p>
      <button type="button" className="lk-ctr-error-notice-retry" onClick={restart} disabled={isStarting}>
        {retryLabel}
      </button>
    </div>
  );
}
