import { QueryClientContext } from '@tanstack/react-query';
import * as React from 'react';
import { CustomTokenSource, type CustomTokenSourceConfig } from '../core/CustomTokenSource.js';
import { CustomTokenError } from '../core/errors.js';
import { noop } from '../core/noop.js';
import { refusedCalls } from '../core/refusedCalls.js';
import type { TokenGenerator, TokenSourceEvent } from '../core/types.js';
import { useLatest } from './internal/useLatest.js';

/**
 * Options of {@link useCustomTokenSource}: those of `createCustomTokenSource`.
 *
 * @example
 * ```tsx
 * import { useCustomTokenSource, useTokenStatus, type TokenGenerator, type UseCustomTokenSourceOptions } from 'livekit-custom-token-react';
 *
 * declare const generator: TokenGenerator;
 * const options: UseCustomTokenSourceOptions = { timeoutMs: 5_000, refreshMarginMs: 120_000 };
 *
 * export function TokenLine() {
 *   const source = useCustomTokenSource(generator, options);
 *   return <p>Token {useTokenStatus(source).status}</p>;
 * }
 * ```
 */
export type UseCustomTokenSourceOptions = CustomTokenSourceConfig;

/**
 * What {@link useCustomTokenSource} returns: a `CustomTokenSource` (livekit-client's
 * `TokenSourceConfigurable`), stable for the component's life.
 *
 * @example
 * ```tsx
 * import { createEndpointGenerator, useCustomTokenSource, useTokenStatus, type UseCustomTokenSourceReturn } from 'livekit-custom-token-react';
 *
 * function TokenLine({ source }: { source: UseCustomTokenSourceReturn }) {
 *   return <p>Token {useTokenStatus(source).status}</p>;
 * }
 * const generator = createEndpointGenerator('/api/token');
 * export function Call() {
 *   return <TokenLine source={useCustomTokenSource(generator)} />;
 * }
 * ```
 */
export type UseCustomTokenSourceReturn = CustomTokenSource;

const gone = () => new CustomTokenError('aborted', 'useCustomTokenSource: the component that made this source has unmounted.');

/**
 * A LiveKit token source around the app's own generator, stable for the component's life. The
 * generator may be an inline function: the latest one is called. Tokens are cached by the value
 * of the fetch options, so inline option objects are fine. The app's `QueryClient` is used when
 * one is in context (tokens show in its devtools). Fetches in flight are aborted when the
 * component unmounts, and from then on no generator call is started, refresh-ahead included (a
 * fetch then fails with `aborted`, an error of its own that leaves the token and status of the
 * other sources of its `scope` as they were; a forced one — LiveKit's `useSession` sends one once
 * its unmount disconnect finishes — waits: it is made if the component comes back, as from
 * `<Activity mode="hidden">`) — except a call that another source of the same `scope` shares and
 * still waits for, which goes on for it, retries included (this source's fetch of it fails with
 * `aborted` all the same, so LiveKit's `start()` connects nothing with its token).
 *
 * Hand it to {@link useCustomTokenSession}, which runs LiveKit's `useSession` on it and tells it
 * when the session is connected (no refresh-ahead during a call). With a bare `useSession`, hold
 * the source connected yourself while the session is: an effect on `session.isConnected` that
 * returns what `source.holdConnected` returns (docs/token-source.md has the whole hook).
 *
 * `queryClient` (or the one in context), `scope` and `initialToken` are read once, when the source is
 * made; the other options may change. To move to another client, remount the component (a `key`).
 *
 * @example
 * ```tsx
 * import { SessionProvider } from '@livekit/components-react';
 * import { useCustomTokenSession, useCustomTokenSource } from 'livekit-custom-token-react';
 *
 * export function Call({ roomName, authToken }: { roomName: string; authToken: string }) {
 *   const source = useCustomTokenSource(async (request, { signal }) => {
 *     const res = await fetch('/api/token', {
 *       method: 'POST',
 *       headers: { authorization: `Bearer ${authToken}`, 'content-type': 'application/json' },
 *       body: JSON.stringify(request),
 *       signal,
 *     });
 *     if (!res.ok) throw Object.assign(new Error(await res.text()), { status: res.status });
 *     return res.json();
 *   });
 *   const session = useCustomTokenSession(source, { roomName });
 *   return (
 *     <SessionProvider session={session}>
 *       <button onClick={() => void session.start().catch(console.error)}>Join</button>
 *     </SessionProvider>
 *   );
 * }
 * ```
 */
export function useCustomTokenSource(generator: TokenGenerator, options: UseCustomTokenSourceOptions = {}): UseCustomTokenSourceReturn {
  const contextClient = React.useContext(QueryClientContext);
  const generatorRef = useLatest(generator);
  const optionsRef = useLatest(options);
  // The refs are read when the source calls the generator, never during this initialiser.
  // eslint-disable-next-line react-hooks/refs
  const [{ source, madeWith, whenBack }] = React.useState(() => {
    // What the source reports while it is made (an initialToken that fails its checks) is told once the
    // render that made it commits: not for the sources of renders React throws away (StrictMode, a suspended first mount).
    const madeWith: TokenSourceEvent[] = [];
    const made: CustomTokenSource = new CustomTokenSource(
      (request, context) => {
        // A call begun in the task that unmounted the component, its generator due after it: aborted as the last
        // subscriber leaving aborts it a moment later (so no call is made after the unmount) — unless another
        // source of the scope waits for it. (No new call begins once unmounted: the source refuses it.)
        if (context.attempt === 1 && refusedCalls.has(made)) {
          made.cancel();
          if (context.signal.aborted) return Promise.reject(gone());
        }
        return generatorRef.current(request, context);
      },
      {
        ...options,
        queryClient: options.queryClient ?? contextClient,
        onEvent: (event) => void madeWith.push(event),
      },
    );
    // LiveKit's useSession asks for the next session's token once the disconnect of its unmount
    // finishes (a forced fetch, which never rejects): made if the component comes back (<Activity>
    // shown again), else left pending: an unmounted source starts no call, and the session after
    // the one left, if it comes, wants a new token.
    const whenBack: Parameters<CustomTokenSource['fetch']>[0][] = [];
    const fetchToken = made.fetch.bind(made);
    made.fetch = (fetchOptions, force) => {
      if (force) return refusedCalls.has(made) ? (whenBack.push(fetchOptions), new Promise(noop)) : fetchToken(fetchOptions, force);
      // A token that comes once the component has unmounted (its call went on for another source of the
      // scope) is not this source's to hand out: LiveKit's start() would connect with it, for nobody.
      const fetching = fetchToken(fetchOptions, force).then((token) => (refusedCalls.has(made) ? Promise.reject(gone()) : token));
      fetching.catch(noop); // as the source's own: a rejection nobody awaits is not reported
      return fetching;
    };
    return { source: made, madeWith, whenBack };
  });

  const { cacheSize, timeoutMs, refreshMarginMs, retries, retryDelayMs, maxRetryDelayMs } = options;
  React.useEffect(() => {
    source.configure({
      cacheSize,
      timeoutMs,
      refreshMarginMs,
      retries,
      retryDelayMs,
      maxRetryDelayMs,
      onEvent: (event) => optionsRef.current.onEvent?.(event),
    });
  }, [source, optionsRef, cacheSize, timeoutMs, refreshMarginMs, retries, retryDelayMs, maxRetryDelayMs]);

  // Holding a subscription keeps the source alive; the last one leaving aborts what is in flight.
  React.useEffect(() => {
    refusedCalls.delete(source); // back after StrictMode's remount
    for (const event of madeWith.splice(0)) {
      try {
        // As the source reports: an onEvent that throws or rejects never breaks the app.
        void Promise.resolve(optionsRef.current.onEvent?.(event)).catch(noop);
      } catch {
        // Telemetry only.
      }
    }
    const unsubscribe = source.subscribe(noop);
    for (const fetchOptions of whenBack.splice(0)) void source.fetch(fetchOptions, true);
    return () => {
      // Once the component has unmounted, the source starts no generator call (LiveKit's useSession asks for the
      // next session's token when its unmount disconnect finishes, for a session that never comes; a refresh-ahead
      // may come due as its session lets go of the source). A call in flight goes on, retries included, while
      // another source of the scope waits for it; else it is aborted as the last subscriber leaves.
      refusedCalls.set(source, gone);
      unsubscribe();
    };
  }, [source, madeWith, whenBack, optionsRef]);
  return source;
}
