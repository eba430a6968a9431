import * as React from 'react';
import { ErrorNoticeRegistryContext } from '../context/ErrorNoticeRegistryContext.js';
import { useMaybeSessionStateContext } from '../context/SessionStateContext.js';
import { useMaybeTokenSourceContext } from '../context/TokenSourceContext.js';
import type { CustomTokenSource } from '../core/CustomTokenSource.js';
import type { CustomTokenError } from '../core/errors.js';
import type { TokenGrants } from '../core/types.js';
import { useHydrating } from '../hooks/internal/useHydrating.js';
import { useTokenStatus } from '../hooks/useTokenStatus.js';
import { classNames } from './classNames.js';
import { RetryButton } from './RetryButton.js';
import { visuallyHidden } from './visuallyHidden.js';

/**
 * Props of {@link TokenStatusView}.
 *
 * @example
 * ```tsx
 * import { TokenStatusView, type TokenStatusViewProps } from 'livekit-custom-token-react';
 *
 * declare const showDiagnostics: boolean;
 *
 * // Inside <CustomTokenSessionProvider>, or with a source prop:
 * export function TokenDiagnostics(props: TokenStatusViewProps) {
 *   return showDiagnostics ? <TokenStatusView refreshLabel="Renew the token" {...props} /> : null;
 * }
 * ```
 */
export interface TokenStatusViewProps extends Omit<React.HTMLAttributes<HTMLElement>, 'children'> {
  /** The source to show. @defaultValue the session's, inside CustomTokenSessionProvider */
  source?: CustomTokenSource | undefined;
  /**
   * The text of the button that fetches again after an error; not "Try again", which is
   * `ErrorNotice`'s (starting the session again) on the same screen.
   * @defaultValue "Fetch the token again"
   */
  retryLabel?: string | undefined;
  /** The text of the button that fetches a new token once the one in hand expired. @defaultValue "Get a new token" */
  refreshLabel?: string | undefined;
}

/**
 * The session's token: status, identity, room, the grants it gives and a countdown to expiry;
 * after a failed fetch, the error's message and code and a button that fetches again (not for
 * `invalid_options`: fetch options of the wrong type fail again until they change); once the
 * token expired (while connected LiveKit renews the session's own), a button to get a new one.
 * The status line and, after an error, its message are one polite live region (`role="status"`),
 * except for the session's own error while an `ErrorNotice` is on the page: that alert announces
 * it, and the line shows it without announcing it again (also once the notice goes away). The button goes away while the token is fetched; the keyboard focus it held moves to that
 * region, which announces the outcome. A refresh ahead of expiry is not announced: the line
 * keeps saying "Token ready" (`data-status` says `fetching`); a fetch after an error says "Token
 * fetching", though a token from before the error is still in hand. The countdown appears only
 * once hydrated (at once in a page rendered in the browser), so server and client render the
 * same HTML; a screen reader reads it with its units ("in 1 minute 5 seconds"), and not each
 * second (it is outside the live region).
 * Unstyled without the package's stylesheet: class `lk-ctr-token-status`, `data-status`.
 *
 * @example
 * ```tsx
 * import { CustomTokenSessionProvider, TokenStatusView } from 'livekit-custom-token-react';
 *
 * export const App = () => (
 *   <CustomTokenSessionProvider tokenEndpoint="/api/livekit-token" roomName="standup">
 *     <TokenStatusView />
 *   </CustomTokenSessionProvider>
 * );
 * ```
 */
export function TokenStatusView({
  source,
  retryLabel = 'Fetch the token again',
  refreshLabel = 'Get a new token',
  className,
  ...rest
}: TokenStatusViewProps) {
  const { status, identity, room, grants, expiresAt, error, refresh } = useTokenStatus(source);
  const now = useNow(expiresAt !== null);
  const statusLine = React.useRef<HTMLDivElement>(null);
  // A refresh ahead of expiry changes nothing for the user: the live region stays quiet ("ready").
  // Not a fetch after an error (the error is kept until it succeeds): that one is the outcome awaited.
  const renewing = status === 'fetching' && error === null && expiresAt !== null && (now === null || expiresAt > now);
  const announcedByNotice = useIsAnnouncedByErrorNotice(source, status === 'error' ? error : null);
  // The status and, after an error, why: "Token error" alone would send a screen reader user looking.
  const line = (
    <>
      <p className="lk-ctr-token-status-state">{`Token ${renewing ? 'ready' : status}`}</p>
      {status === 'error' && error && <p className="lk-ctr-token-status-error">{error.message}</p>}
    </>
  );
  return (
    <section aria-label="Token status" {...rest} className={classNames('lk-ctr-token-status', className)} data-status={status}>
      {/* The live region; the session's error, which the ErrorNotice announces, is shown after it, outside. */}
      <div ref={statusLine} tabIndex={-1} role="status" aria-live="polite" aria-atomic="true" className="lk-ctr-token-status-announce">
        {!announcedByNotice && line}
      </div>
      {announcedByNotice && line}
      <dl>
        {status === 'error' && error && (
          <>
            <dt>Code</dt>
            <dd>{describeCode(error)}</dd>
          </>
        )}
        <dt>Identity</dt>
        <dd>{identity ?? '—'}</dd>
        <dt>Room</dt>
        <dd>{room ?? '—'}</dd>
        <dt>Grants</dt>
        <dd>{grantNames(grants).join(', ') || '—'}</dd>
        <dt>Expires</dt>
        <dd>
          {expiresAt === null || now === null ? (
            '—'
          ) : (
            // Expired as soon as the status says so, not at the countdown's next second.
            <Countdown ms={status === 'expired' ? 0 : expiresAt - now} />
          )}
        </dd>
      </dl>
      {/* Options of the wrong type fail again whenever fetched: only other options help, not a button. */}
      {(status === 'expired' || (status === 'error' && error?.code !== 'invalid_options')) && (
        // The button goes away while the token is fetched: its focus moves to the live region, which announces the outcome.
        <RetryButton focusOnUnmount={statusLine} className="lk-ctr-token-status-retry" onClick={() => void refresh()}>
          {status === 'error' ? retryLabel : refreshLabel}
        </RetryButton>
      )}
    </section>
  );
}

/**
 * Whether `error` is the session's, which an `ErrorNotice` on the page announces as an alert: the
 * session's source failing while the session starts (its error from then on) or since. One the
 * notice has shown is not announced again when the notice goes away (dismissed, say).
 */
function useIsAnnouncedByErrorNotice(source: CustomTokenSource | undefined, error: CustomTokenError | null): boolean {
  const hasErrorNotice = React.useContext(ErrorNoticeRegistryContext)?.hasNotice === true;
  const session = useMaybeSessionStateContext();
  const sessionSource = useMaybeTokenSourceContext();
  const isSessionSource = source === undefined || source === sessionSource;
  const [shownByNotice, setShownByNotice] = React.useState<CustomTokenError | null>(null);
  const shown = error !== null && hasErrorNotice && isSessionSource && session?.error === error;
  // Adjusting state while rendering, as React documents for state derived from the previous render's.
  if (shown && shownByNotice !== error) setShownByNotice(error);
  return error !== null && (error === shownByNotice || (hasErrorNotice && isSessionSource && (session?.isStarting === true || shown)));
}

/** The time left, "in 1:05" on screen, "in 1 minute 5 seconds" for a screen reader; `dateTime` the duration. */
function Countdown({ ms }: { ms: number }) {
  if (ms <= 0) return <time dateTime="PT0S">expired</time>;
  const seconds = Math.floor(ms / 1_000);
  const parts = { H: Math.floor(seconds / 3_600), M: Math.floor((seconds % 3_600) / 60), S: seconds % 60 };
  const pad = (value: number) => String(value).padStart(2, '0');
  const clock = parts.H > 0 ? `${parts.H}:${pad(parts.M)}:${pad(parts.S)}` : `${parts.M}:${pad(parts.S)}`;
  const units = (
    [
      ['H', 'hour'],
      ['M', 'minute'],
      ['S', 'second'],
    ] as const
  ).filter(([key]) => parts[key] > 0);
  const spoken = units.map(([key, unit]) => `${parts[key]} ${unit}${parts[key] === 1 ? '' : 's'}`).join(' ') || 'less than a second';
  return (
    <time dateTime={`PT${units.map(([key]) => `${parts[key]}${key}`).join('') || '0S'}`}>
      <span aria-hidden="true">{`in ${clock}`}</span>
      <span style={visuallyHidden}>{`in ${spoken}`}</span>
    </time>
  );
}

/** The error's code, with its HTTP status or LiveKit reason where it has one: `http 401`. */
function describeCode({ code, status, reason }: CustomTokenError): string {
  return [code, status ?? reason].filter((part) => part !== undefined).join(' ');
}

/**
 * The current time as each render reads it (`null` on the server and while hydrating, so that the
 * server's HTML and the first client render match), rendering again every second while
 * `ticking`. Read by each render rather than kept from the last tick: a tick can come late (a
 * laptop waking from sleep, a hidden tab's throttled timers), and a status change rendered against
 * a time from before it would show an expired token as "ready" until the next tick.
 */
function useNow(ticking: boolean): number | null {
  const hydrating = useHydrating();
  const [, tick] = React.useReducer((ticks: number) => ticks + 1, 0);
  React.useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(tick, 1_000);
    return () => clearInterval(timer);
  }, [ticking]);
  // Impure on purpose: the time is what this render shows, and a render React throws away shows nothing.
  // eslint-disable-next-line react-hooks/purity
  return hydrating ? null : Date.now();
}

function grantNames(grants: Readonly<TokenGrants> | undefined): string[] {
  return Object.entries(grants ?? {})
    .filter(([name, value]) => value === true && name !== 'room')
    .map(([name]) => name);
}
