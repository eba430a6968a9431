import * as React from 'react';
import type { CustomTokenSource } from '../core/CustomTokenSource.js';
import type { TokenGrants } from '../core/types.js';
import { useTokenStatus } from '../hooks/useTokenStatus.js';
import { classNames } from './classNames.js';

/** Props of {@link TokenStatusView}. */
export interface TokenStatusViewProps extends Omit<React.HTMLAttributes<HTMLElement>, 'children'> {
  /** The source to show. @defaultValue the session's, inside `<CustomTokenSessionProvider>` */
  source?: CustomTokenSource;
}

/**
 * The session's token: status, identity, room, the grants it gives and a countdown to expiry.
 * The countdown appears only after mount, so server and client render the same HTML.
 * Unstyled: class `lk-ctr-token-status`, `data-status`.
 *
 * @example
 * ```tsx
 * <CustomTokenSessionProvider generator={generator} roomName="standup">
 *   <TokenStatusView />
 * </CustomTokenSessionProvider>
 * ```
 */
export function TokenStatusView({ source, className, ...rest }: TokenStatusViewProps) {
  const { status, identity, room, grants, expiresAt } = useTokenStatus(source);
  const now = useNow(expiresAt !== null);
  return (
    <section aria-label="Token status" {...rest} className={classNames('lk-ctr-token-status', className)} data-status={status}>
      <p role="status" aria-live="polite" className="lk-ctr-token-status-state">
        {`Token ${status}`}
      </p>
      <dl>
        <dt>Identity</dt>
        <dd>{identity ?? '—'}</dd>
        <dt>Room</dt>
        <dd>{room ?? '—'}</dd>
        <dt>Grants</dt>
        <dd>{grantNames(grants).join(', ') || '—'}</dd>
        <dt>Expires</dt>
        <dd>
          {expiresAt === null || now === null ? '—' : <time dateTime={new Date(expiresAt).toISOString()}>{formatRemaining(expiresAt - now)}</time>}
        </dd>
      </dl>
    </section>
  );
}

/** The current time, ticking every second while `ticking`; `null` before mount (and on the server). */
function useNow(ticking: boolean): number | null {
  const [now, setNow] = React.useState<number | null>(null);
  React.useEffect(() => {
    // The clock is read after mount on purpose: the server's HTML and the first client render then match (no hydration mismatch).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setNow(Date.now());
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

function grantNames(grants: Readonly<TokenGrants> | undefined): string[] {
  return Object.entries(grants ?? {})
    .filter(([name, value]) => value === true && name !== 'room')
    .map(([name]) => name);
}

function formatRemaining(ms: number): string {
  if (ms <= 0) return 'expired';
  const seconds = Math.floor(ms / 1_000);
  const [h, m, s] = [Math.floor(seconds / 3_600), Math.floor((seconds % 3_600) / 60), seconds % 60];
  const pad = (value: number) => String(value).padStart(2, '0');
  return `in ${h > 0 ? `${h}:${pad(m)}` : m}:${pad(s)}`;
}
