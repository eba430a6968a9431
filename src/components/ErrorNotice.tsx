import * as React from 'react';
import { ErrorNoticeRegistryContext } from '../context/ErrorNoticeRegistryContext.js';
import type { CustomTokenError, CustomTokenErrorCode } from '../core/errors.js';
import { useSessionState } from '../hooks/useSessionState.js';
import { canRetry } from './canRetry.js';
import { classNames } from './classNames.js';
import { RetryButton } from './RetryButton.js';
import { useReturnFocus } from './useReturnFocus.js';

/**
 * Props of {@link ErrorNotice}.
 *
 * @example
 * ```tsx
 * import { ErrorNotice, type ErrorNoticeProps } from 'livekit-custom-token-react';
 *
 * const titles: ErrorNoticeProps['titles'] = { http: 'Your session has ended', agent_failed: 'The assistant is unavailable' };
 *
 * // Inside <CustomTokenSessionProvider>:
 * export function CallError(props: ErrorNoticeProps) {
 *   return <ErrorNotice titles={titles} action={(error) => (error.status === 401 ? <a href="/sign-in">Sign in</a> : null)} {...props} />;
 * }
 * ```
 */
export interface ErrorNoticeProps extends Omit<React.HTMLAttributes<HTMLDivElement>, 'children'> {
  /** Headline per error code. @defaultValue an English headline per code */
  titles?: Partial<Record<CustomTokenErrorCode, string>> | undefined;
  /** The retry button's text. @defaultValue "Try again" */
  retryLabel?: string | undefined;
  /**
   * What to offer where retrying cannot help (HTTP 4xx such as 401 and 403, a `mismatch`): a
   * "Sign in" link, say. A function receives the error.
   * @defaultValue nothing
   */
  action?: React.ReactNode | ((error: CustomTokenError) => React.ReactNode);
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
  media_failed: 'Your camera, microphone or screen share could not start', // the message says which
  agent_failed: 'The agent is not in the call', // it never came, or it left: the message says which
  disconnected: 'The call was disconnected',
  outside_provider: 'The call is misconfigured', // thrown by a hook, never the session's error: for an app's own error boundary
};

/**
 * The session's error, if any, as an alert (announced when it appears). Where starting again
 * may help it offers a retry button, which restarts the session; where it cannot (the app
 * refused the user, the token is for another room, a device that cannot start: blocked, or on a
 * page without media devices, a provider given no generator) it shows the app's `action` instead. When
 * the notice goes away with the focus in it, the focus returns where it was before the error,
 * or to the next control. Renders nothing without an error. While it is on the page, it alone
 * announces the session's error: `TokenStatusView` shows a token error that is the session's
 * without announcing it again, and `AgentStatusIndicator` the agent's failure — render it always, not only once there is an error (mounted with
 * the error, it comes after the token panel announced it). Unstyled without the package's stylesheet: class
 * `lk-ctr-error-notice`, `data-code`.
 *
 * @example
 * ```tsx
 * import { CustomTokenSessionProvider, ErrorNotice } from 'livekit-custom-token-react';
 *
 * export const App = () => (
 *   <CustomTokenSessionProvider tokenEndpoint="/api/livekit-token" roomName="standup">
 *     <ErrorNotice action={<a href="/sign-in">Sign in</a>} />
 *   </CustomTokenSessionProvider>
 * );
 * ```
 */
export function ErrorNotice({ titles, retryLabel = 'Try again', action, className, ...rest }: ErrorNoticeProps) {
  const { error } = useSessionState();
  const register = React.useContext(ErrorNoticeRegistryContext)?.register;
  // On the page before any error: a token panel then knows from the first failure on that this alert announces it.
  React.useEffect(() => register?.(), [register]);
  if (!error) return null;
  return <Notice {...rest} error={error} titles={titles} retryLabel={retryLabel} action={action} className={className} />;
}

interface NoticeProps extends Omit<ErrorNoticeProps, 'retryLabel'> {
  error: CustomTokenError;
  retryLabel: string;
}

function Notice({ error, titles, retryLabel, action, className, ...rest }: NoticeProps) {
  const { isStarting, restart } = useSessionState();
  const ref = React.useRef<HTMLDivElement>(null);
  useReturnFocus(ref);
  return (
    // tabIndex -1: the focus can land here when "Try again" gives way to the action (a new error that retrying cannot help).
    <div role="alert" ref={ref} tabIndex={-1} {...rest} className={classNames('lk-ctr-error-notice', className)} data-code={error.code}>
      <p className="lk-ctr-error-notice-title">{titles?.[error.code] ?? TITLES[error.code]}</p>
      <p className="lk-ctr-error-notice-message">{error.message}</p>
      {canRetry(error) ? (
        // When a new error that retrying cannot help replaces it with the action, its focus moves to the notice.
        <RetryButton focusOnUnmount={ref} className="lk-ctr-error-notice-retry" disabled={isStarting} onClick={restart}>
          {retryLabel}
        </RetryButton>
      ) : typeof action === 'function' ? (
        action(error)
      ) : (
        action
      )}
    </div>
  );
}
