import { useSession, type UseSessionReturn } from '@livekit/components-react';
import type { TokenSourceConfigurable } from 'livekit-client';
import type { CustomTokenSource } from '../core/CustomTokenSource.js';
import { useDeploymentApart } from './internal/useDeploymentApart.js';
import { useFetchOptions } from './internal/useFetchOptions.js';
import { useRoomStateResync } from './internal/useRoomStateResync.js';
import { useSourceForSession } from './internal/useSourceForSession.js';
import { useSourceUntilLeft } from './internal/useSourceUntilLeft.js';
import { useStaleConnectCancelled } from './internal/useStaleConnectCancelled.js';
import { useStartsUntilLeft } from './internal/useStartsUntilLeft.js';

/**
 * Options of {@link useCustomTokenSession}: those of LiveKit's `useSession` for a configurable
 * source — the fetch options (`roomName`, `participantName`, `agentName`, …) and `room`,
 * `agentConnectTimeoutMilliseconds`, `encryption`.
 *
 * @example
 * ```tsx
 * import { SessionProvider } from '@livekit/components-react';
 * import { createEndpointGenerator, useCustomTokenSession, useCustomTokenSource } from 'livekit-custom-token-react';
 * import type { UseCustomTokenSessionOptions } from 'livekit-custom-token-react';
 *
 * const generator = createEndpointGenerator('/api/token');
 *
 * // <Call roomName="support" agentName="helper" />
 * export function Call(options: UseCustomTokenSessionOptions) {
 *   const session = useCustomTokenSession(useCustomTokenSource(generator), options);
 *   // LiveKit's start() rejects when joining fails: catch it.
 *   return <SessionProvider session={session}><button onClick={() => void session.start().catch(console.error)}>Join</button></SessionProvider>;
 * }
 * ```
 */
export type UseCustomTokenSessionOptions = ConfigurableSessionOptions<typeof useSession>;

/**
 * The options of `useSession`'s first overload (a configurable source), which LiveKit does not export by name.
 *
 * @example
 * ```ts
 * import type { useSession } from '@livekit/components-react';
 * import type { ConfigurableSessionOptions } from 'livekit-custom-token-react';
 *
 * // The same type as UseCustomTokenSessionOptions:
 * type SessionOptions = ConfigurableSessionOptions<typeof useSession>;
 *
 * export const options: SessionOptions = { roomName: 'support', agentName: 'helper', agentConnectTimeoutMilliseconds: 20_000 };
 * ```
 */
export type ConfigurableSessionOptions<F> = F extends {
  (source: TokenSourceConfigurable, options?: infer Options): unknown;
  (source: never, options?: never): unknown;
}
  ? NonNullable<Options>
  : never;

/**
 * What {@link useCustomTokenSession} returns: LiveKit's `useSession` result (`UseSessionReturn`),
 * for `SessionProvider`.
 *
 * @example
 * ```tsx
 * import { SessionProvider } from '@livekit/components-react';
 * import { createEndpointGenerator, useCustomTokenSession, useCustomTokenSource, type UseCustomTokenSessionReturn } from 'livekit-custom-token-react';
 *
 * function JoinButton({ session }: { session: UseCustomTokenSessionReturn }) {
 *   return <button onClick={() => void session.start().catch(console.error)}>Join</button>;
 * }
 * const generator = createEndpointGenerator('/api/token');
 * export function Call() {
 *   const session = useCustomTokenSession(useCustomTokenSource(generator), { roomName: 'standup' });
 *   return (
 *     <SessionProvider session={session}>
 *       <JoinButton session={session} />
 *     </SessionProvider>
 *   );
 * }
 * ```
 */
export type UseCustomTokenSessionReturn = UseSessionReturn;

/**
 * LiveKit's `useSession` on a {@link CustomTokenSource}, with the source told whether the session
 * is connected — the hooks-path way to use the package, where the wiring cannot be forgotten.
 * While the component is mounted and the session is not connected, the source keeps a fresh
 * token ready ahead of expiry; while connected it fetches nothing (LiveKit refreshes the live
 * session's token itself). Returns `useSession`'s session, for `SessionProvider` and every
 * `@livekit/components-react` hook.
 *
 * Options changed while connected apply to the next `start()`; the live call is untouched. Changed
 * while idle, they too are fetched for at `start()`: LiveKit pre-warms once, on mount, so the token
 * in hand (and `useTokenStatus`) stays on the mount's options until then — `CustomTokenSessionProvider`
 * follows them; docs/token-source.md shows the effect that does it here.
 * `start()` and `end()` are LiveKit's own (wrapped only so that leaving ends a start still waiting)
 * — `start()` rejects when joining fails (a token failure also shows in `useTokenStatus`): catch
 * it. A `start()` still waiting for its token when `end()` is called or the component unmounts (or
 * `<Activity>` hides it) connects nothing and rejects with `aborted`, also when the source lives on
 * (made by a parent, outside React, or sharing a `scope`) and gets that token for its other users.
 * So does one asked while an earlier session was connecting or connected (a double-clicked Join),
 * which LiveKit's `start()` holds until that session ends: after `end()`, the unmount or the room's
 * own `disconnect()` (LiveKit's `<DisconnectButton>`) it no longer goes on to join; a `start()`
 * asked after that leave joins (the app's own `disconnect()` while the room is still disconnected,
 * its token being fetched, announces nothing and ends no start: call `end()` then). The tracks
 * LiveKit's `start()` turns on before the token is in (its microphone by default) stop when `end()`
 * or the unmount comes before the room began to connect, or when that start fails before its room
 * connected, where livekit-client kept them capturing for 15 s — also a device the browser grants
 * only afterwards, unless a next `start()` has begun by then and takes it over. A session the server
 * ends while its room is still connecting (the participant removed) is over at once: that
 * `start()` rejects, and the next one connects with a new token. The other session-lifecycle
 * guarantees (nothing in the room after leaving at any moment, an agent judged by its own
 * session's timeout) are `CustomTokenSessionProvider`'s, which replaces that `start()`.
 *
 * @example
 * ```tsx
 * import { SessionProvider } from '@livekit/components-react';
 * import { createEndpointGenerator, useCustomTokenSession, useCustomTokenSource, useTokenStatus } from 'livekit-custom-token-react';
 *
 * const generator = createEndpointGenerator('/api/token');
 *
 * export function Call({ roomName }: { roomName: string }) {
 *   const source = useCustomTokenSource(generator);
 *   const session = useCustomTokenSession(source, { roomName });
 *   const { status } = useTokenStatus(source);
 *   // LiveKit's start() rejects when joining fails: handled here, not an unhandled rejection.
 *   const join = () => session.start().catch((reason: unknown) => console.error('Could not join', reason));
 *   return (
 *     <SessionProvider session={session}>
 *       <p>Token {status}</p>
 *       <button onClick={() => void (session.isConnected ? session.end() : join())}>
 *         {session.isConnected ? 'Leave' : 'Join'}
 *       </button>
 *     </SessionProvider>
 *   );
 * }
 * ```
 */
export function useCustomTokenSession(source: CustomTokenSource, options: UseCustomTokenSessionOptions = {}): UseCustomTokenSessionReturn {
  const { room, agentConnectTimeoutMilliseconds, encryption } = options;
  // Only the options LiveKit knows: its useSession throws on any other key ("Options key … not being
  // checked for equality!"), crashing the tree — props spread with their `children`, say.
  const [sessionSource, fetchOptions] = useDeploymentApart(useSourceUntilLeft(source), useFetchOptions(options));
  const session = useSession(sessionSource, {
    ...fetchOptions,
    room,
    agentConnectTimeoutMilliseconds,
    encryption,
  } as UseCustomTokenSessionOptions);
  useRoomStateResync(session);
  useStaleConnectCancelled(session.room);
  useSourceForSession(source, session.isConnected);
  return useStartsUntilLeft(session);
}
