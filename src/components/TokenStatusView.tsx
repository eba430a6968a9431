import * as React from 'react';
import { ErrorNoticeRegistryContext } from '../context/ErrorNoticeRegistryContext.js';
import { useMaybeSessionStateContext } from '../context/SessionStateContext.js';
import { useMaybeTokenSourceContext } from '../context/TokenSourceContext.js';
import type { CustomTokenSource } from '../core/CustomTokenSource.js';
import type { CustomTokenError } from '../core/errors.js';
import type { TokenGrants, TokenStatusKind } from '../core/types.js';
import { useHydrating } from '../hooks/internal/useHydrating.js';
import { useTokenStatus } from '../hooks/useTokenStatus.js';
import { onlyOtherPropsFix } from './canRetry.js';
import { classNames } from './classNames.js';
import { RetryButton } from './RetryButton.js';
import { visuallyHidden } from './visuallyHidden.js';
import { withDefaults } from './withDefaults.js';

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
  /**
   * The view's other texts, for an app in another language: any of `TokenStatusViewLabels`,
   * the others English.
   * @defaultValue "Token status", "Token ready" (a line per status), "Identity" (a name per field), "in 1:05", "in 1 minute 5 seconds" and "expired"
   */
  labels?: Partial<TokenStatusViewLabels> | undefined;
}

/**
 * The time a token has left, as {@link TokenStatusViewLabels}' countdown texts receive it.
 *
 * @example
 * ```ts
 * import type { TokenTimeLeft } from 'livekit-custom-token-react';
 *
 * // "noch 1:05" on screen; "noch 1 Minute 5 Sekunden" for a screen reader.
 * export const expiresIn = ({ clock }: TokenTimeLeft) => `noch ${clock}`;
 * ```
 */
export interface TokenTimeLeft {
  /** Whole hours left. */
  hours: number;
  /** Whole minutes left beyond the hours, 0 to 59. */
  minutes: number;
  /** Whole seconds left beyond the minutes, 0 to 59. */
  seconds: number;
  /** The time left as a clock shows it: "1:05", "1:02:05". */
  clock: string;
}

/**
 * The texts {@link TokenStatusView} shows or gives a screen reader (but the two buttons', which
 * are `retryLabel` and `refreshLabel`), with their English defaults. The grants are the token's
 * own claim names (`canPublish`) and the code the error's (`http 401`), shown as they are.
 *
 * @example
 * ```tsx
 * import { TokenStatusView, type TokenStatusViewLabels } from 'livekit-custom-token-react';
 *
 * const GERMAN: TokenStatusViewLabels = {
 *   region: 'Zugangstoken',
 *   idle: 'Noch kein Token', fetching: 'Token wird geholt', ready: 'Token bereit', error: 'Token-Fehler', expired: 'Token abgelaufen',
 *   code: 'Code', identity: 'Identität', room: 'Raum', grants: 'Rechte', expires: 'Läuft ab',
 *   expiresIn: ({ clock }) => `in ${clock}`,
 *   expiresInSpoken: ({ hours, minutes, seconds }) => `in ${hours} Std. ${minutes} Min. ${seconds} Sek.`,
 *   noTimeLeft: 'abgelaufen',
 * };
 *
 * // Inside <CustomTokenSessionProvider>:
 * export const Token = () => <TokenStatusView labels={GERMAN} retryLabel="Token erneut holen" refreshLabel="Neues Token" />;
 * ```
 */
export interface TokenStatusViewLabels extends Record<TokenStatusKind, string> {
  /** The view's accessible name (a region). @defaultValue "Token status" */
  region: string;
  /** The name of the field with an error's code. @defaultValue "Code" */
  code: string;
  /** The name of the field with the token's identity. @defaultValue "Identity" */
  identity: string;
  /** The name of the field with the token's room. @defaultValue "Room" */
  room: string;
  /** The name of the field with the token's grants. @defaultValue "Grants" */
  grants: string;
  /** The name of the field with the countdown to expiry. @defaultValue "Expires" */
  expires: string;
  /** The countdown on screen. @defaultValue "in 1:05", "in 1:02:05" */
  expiresIn: (left: TokenTimeLeft) => string;
  /** The countdown as a screen reader reads it. @defaultValue "in 1 hour 2 minutes 5 seconds", "in less than a second" */
  expiresInSpoken: (left: TokenTimeLeft) => string;
  /** The countdown once no time is left. @defaultValue "expired" */
  noTimeLeft: string;
}

/** The English texts, but the status lines ("Token ready"), made from the status. */
const DEFAULT_LABELS: Omit<TokenStatusViewLabels, TokenStatusKind> = {
  region: 'Token status',
  code: 'Code',
  identity: 'Identity',
  room: 'Room',
  grants: 'Grants',
  expires: 'Expires',
  expiresIn: ({ clock }) => `in ${clock}`,
  expiresInSpoken: (left) =>
    `in ${
      (['hours', 'minutes', 'seconds'] as const)
        .filter((unit) => left[unit] > 0)
        .map((unit) => `${left[unit]} ${left[unit] === 1 ? unit.slice(0, -1) : unit}`)
        .join(' ') || 'less than a second'
    }`,
  noTimeLeft: 'expired',
};

/**
 * The session's token: status, identity, room, the grants it gives and a countdown to expiry;
 * after a failed fetch, the error's message and code and a button that fetches again (not for
 * `invalid_options`, nor a provider given no generator: they fail again until the props change); once the
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
 * Its texts in another language: `labels`, `retryLabel` and `refreshLabel`.
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
  labels,
  className,
  ...rest
}: TokenStatusViewProps) {
  const texts = withDefaults(DEFAULT_LABELS, labels);
  const { status, identity, room, grants, expiresAt, error, refresh } = useTokenStatus(source);
  const now = useNow(expiresAt !== null);
  const statusLine = React.useRef<HTMLDivElement>(null);
  // A refresh ahead of expiry changes nothing for the user: the live region stays quiet ("ready").
  // Not a fetch after an error (the error is kept until it succeeds): that one is the outcome awaited.
  const renewing = status === 'fetching' && error === null && expiresAt !== null && (now === null || expiresAt > now);
  const shownStatus = renewing ? 'ready' : status;
  const announcedByNotice = useIsAnnouncedByErrorNotice(source, status === 'error' ? error : null);
  // The status and, after an error, why: "Token error" alone would send a screen reader user looking.
  const line = (
    <>
      <p className="lk-ctr-token-status-state">{labels?.[shownStatus] ?? `Token ${shownStatus}`}</p>
      {status === 'error' && error && <p className="lk-ctr-token-status-error">{error.message}</p>}
    </>
  );
  return (
    <section aria-label={texts.region} {...rest} className={classNames('lk-ctr-token-status', className)} data-status={status}>
      {/* The live region; the session's error, which the ErrorNotice announces, is shown after it, outside. */}
      <div ref={statusLine} tabIndex={-1} role="status" aria-live="polite" aria-atomic="true" className="lk-ctr-token-status-announce">
        {!announcedByNotice && line}
      </div>
      {announcedByNotice && line}
      <dl>
        {status === 'error' && error && (
          <>
            <dt>{texts.code}</dt>
            <dd>{describeCode(error)}</dd>
          </>
        )}
        {/* As the token endpoint chose them: each in its own direction (<bdi>), lined up with the others. */}
        <dt>{texts.identity}</dt>
        <dd>
          <bdi>{identity ?? '—'}</bdi>
        </dd>
        <dt>{texts.room}</dt>
        <dd>
          <bdi>{room ?? '—'}</bdi>
        </dd>
        <dt>{texts.grants}</dt>
        <dd>{grantNames(grants).join(', ') || '—'}</dd>
        <dt>{texts.expires}</dt>
        <dd>
          {expiresAt === null || now === null ? (
            '—'
          ) : (
            // Expired as soon as the status says so, not at the countdown's next second.
            <Countdown ms={status === 'expired' ? 0 : expiresAt - now} labels={texts} />
          )}
        </dd>
      </dl>
      {/* Options of the wrong type, or no generator, fail again whenever fetched: only other props help, not a button. */}
      {(status === 'expired' || (status === 'error' && error !== null && !onlyOtherPropsFix(error))) && (
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

/** The time left, "in 1:05" on screen, "in 1 minute 5 seconds" for a screen reader (in the words of `labels`); `dateTime` the duration. */
function Countdown({ ms, labels }: { ms: number; labels: typeof DEFAULT_LABELS }) {
  if (ms <= 0) return <time dateTime="PT0S">{labels.noTimeLeft}</time>;
  const total = Math.floor(ms / 1_000);
  const hours = Math.floor(total / 3_600);
  const minutes = Math.floor((total % 3_600) / 60);
  const seconds = total % 60;
  const pad = (value: number) => String(value).padStart(2, '0');
  const clock = hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
  const left: TokenTimeLeft = { hours, minutes, seconds, clock };
  const duration = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  return (
    <time dateTime={`PT${duration || '0S'}`}>
      <span aria-hidden="true">{labels.expiresIn(left)}</span>
      <span style={visuallyHidden}>{labels.expiresInSpoken(left)}</span>
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
