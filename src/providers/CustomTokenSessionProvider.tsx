import { RoomContext, SessionProvider, useAgent, useMaybeRoomContext, useSession } from '@livekit/components-react';
import type { Room, RoomConnectOptions, TrackPublishOptions } from 'livekit-client';
import * as React from 'react';
import { AgentStatusContext } from '../context/AgentStatusContext.js';
import { CameraTracksContext } from '../context/CameraTracksContext.js';
import { ErrorNoticeRegistryContext, useErrorNoticeRegistry } from '../context/ErrorNoticeRegistryContext.js';
import { SessionActionsContext } from '../context/SessionActionsContext.js';
import { TokenSourceContext } from '../context/TokenSourceContext.js';
import type { CustomTokenSource } from '../core/CustomTokenSource.js';
import { createEndpointGenerator } from '../core/createEndpointGenerator.js';
import type { CustomTokenError } from '../core/errors.js';
import { requireNumber } from '../core/resolveConfig.js';
import { MAX_TIMER_MS } from '../core/timerDelay.js';
import type { TokenFetchOptions, TokenGenerator } from '../core/types.js';
import { useCustomTokenSource, type UseCustomTokenSourceOptions } from '../hooks/useCustomTokenSource.js';
import { useDeploymentApart } from '../hooks/internal/useDeploymentApart.js';
import { useFetchOptions } from '../hooks/internal/useFetchOptions.js';
import { useRoomStateResync } from '../hooks/internal/useRoomStateResync.js';
import { useStaleConnectCancelled } from '../hooks/internal/useStaleConnectCancelled.js';
import { useSourceForSession } from '../hooks/internal/useSourceForSession.js';
import { missingGenerator } from './missingGenerator.js';
import { toConnectOptions } from './session/toConnectOptions.js';
import { needsAnotherToken } from './session/toSessionError.js';
import { useAgentStatusValue } from './useAgentStatusValue.js';
import { useCameraTrackList } from './useCameraTrackList.js';
import { SessionStateProvider } from './SessionStateProvider.js';
import { useFollowOptionsWhileIdle } from './session/useFollowOptionsWhileIdle.js';
import { useSessionLifecycle } from './session/useSessionLifecycle.js';
import { useSessionTokenSource } from './session/useSessionTokenSource.js';

/**
 * Where the session's tokens come from: the app's generator, a source it already built, or the
 * URL of a standard token endpoint. `tokenEndpoint` is the one a Server Component can pass (a
 * function cannot cross to the client): it is `generator={createEndpointGenerator(url)}`.
 *
 * @example
 * ```tsx
 * import { ConnectButton, CustomTokenSessionProvider, type SessionTokenProps } from 'livekit-custom-token-react';
 *
 * // <SupportCall tokenEndpoint="/api/livekit-token" />, or generator={…}, or tokenSource={…}
 * export function SupportCall(props: SessionTokenProps) {
 *   return (
 *     <CustomTokenSessionProvider {...props} roomName="support">
 *       <ConnectButton />
 *     </CustomTokenSessionProvider>
 *   );
 * }
 * ```
 */
export type SessionTokenProps =
  | { generator: TokenGenerator; tokenSource?: never; tokenEndpoint?: never }
  | { tokenSource: CustomTokenSource; generator?: never; tokenEndpoint?: never }
  | { tokenEndpoint: string; generator?: never; tokenSource?: never };

/**
 * Props of {@link CustomTokenSessionProvider}.
 *
 * @example
 * ```tsx
 * import { ConnectButton, CustomTokenSessionProvider, type CustomTokenSessionProviderProps } from 'livekit-custom-token-react';
 *
 * // The app's call shell: its endpoint and agent fixed, the rest (roomName, camera, …) from the page.
 * export function AgentCall(props: Omit<CustomTokenSessionProviderProps, 'generator' | 'tokenSource' | 'tokenEndpoint'>) {
 *   return (
 *     <CustomTokenSessionProvider {...props} tokenEndpoint="/api/livekit-token" agentName="helper" freshRoomPerSession>
 *       {props.children ?? <ConnectButton />}
 *     </CustomTokenSessionProvider>
 *   );
 * }
 * ```
 */
export type CustomTokenSessionProviderProps = SessionTokenProps &
  // livekit-client's fetch options, each of which may also be given as `undefined` (an app passes its own optional values on).
  { [K in keyof TokenFetchOptions]?: TokenFetchOptions[K] | undefined } & UseCustomTokenSourceOptions & {
    children?: React.ReactNode | undefined;
    /** Publish the microphone on `start()`; publish options may be given instead of `true`. @defaultValue true (with LiveKit's pre-connect buffer) */
    microphone?: boolean | TrackPublishOptions | undefined;
    /** Publish the camera on `start()`. @defaultValue false */
    camera?: boolean | TrackPublishOptions | undefined;
    /** Share the screen on `start()`. @defaultValue false */
    screenShare?: boolean | TrackPublishOptions | undefined;
    /** Options for `Room.connect`. @defaultValue LiveKit's */
    roomConnectOptions?: RoomConnectOptions | undefined;
    /**
     * How long a dispatched agent may take to become ready before the session fails with
     * `agent_failed`. `Infinity` (or anything past the ~24.8 days a timer holds) waits as long as
     * a timer can; a negative or `NaN` value throws a `TypeError` naming it.
     * @defaultValue 20_000
     */
    agentConnectTimeoutMs?: number | undefined;
    /**
     * The `Room` to use. Another one given while mounted ends the call in the old one, as
     * unmounting does; with `connect={true}` the session starts again in the new one, and so
     * does a `start()` not finished (also one called in the handler that sets the new `Room`).
     * @defaultValue a new `Room`, or the one of a surrounding LiveKit `RoomContext`
     */
    room?: Room | undefined;
    /**
     * Called once per failed session or start (token, connection, device, agent or server
     * failure), with its first cause: the `error` of `useSessionState()`. One failure announced
     * twice — the agent leaves as its room is deleted — is one call.
     */
    onError?: ((error: CustomTokenError) => void) | undefined;
    /** Declarative connection: `true` starts the session, `false` ends it. @defaultValue undefined — only the actions connect */
    connect?: boolean | undefined;
    /**
     * Give every session its own room, named `<roomName>-<random>` (`session-<random>` without
     * `roomName`), and move to a new name when a session ends — also a start that joined its room
     * and did not finish (abandoned, or its agent never came). For agent apps: a dispatched agent
     * never rejoins an existing room. An `initialToken` is then never used (its room is not the
     * one a session asks for): leave `roomName` out and let the token endpoint name a fresh room
     * per token instead (the next session, and a start after one that did not finish, then get a
     * new token).
     * @defaultValue false
     */
    freshRoomPerSession?: boolean | undefined;
    /**
     * Fetch a token when the provider mounts, so that `start()` connects at once (LiveKit's
     * pre-warm). `false`: no token is fetched until `start()` — for pages most visitors only look
     * at, or a signed-out visitor whose every fetch would fail. An `initialToken` given is a token in
     * hand all the same: it is refreshed ahead of its expiry. Once a token is in hand, fetch options
     * changed while idle move it to them, as with `true`.
     * @defaultValue true
     */
    prefetch?: boolean | undefined;
  };

/**
 * Runs a LiveKit session on the app's own tokens: LiveKit's `useSession` and `SessionProvider`
 * (every `@livekit/components-react` hook works inside) plus this package's contexts — session
 * state, actions, camera tracks, agent status and token status — each re-rendering only its own
 * consumers. Connects once under StrictMode, never leaves an unhandled rejection, fails `start()`
 * with a typed error when a dispatched agent is not ready `agentConnectTimeoutMs` after that
 * session's own connection began (an unanswered device prompt does not put that off), and never
 * disconnects a live session for a token refresh or a new generator.
 *
 * `end()`, `connect={false}` and unmounting leave nothing behind, at any moment: tracks started
 * for the session are stopped at once, a connection in progress is left to finish (up to 1.5 s;
 * on unmount it is cut off at once, as LiveKit's `useSession` disconnects its room) and then
 * left, and a token that arrives later is never used to connect. `start()` and `end()`
 * may come in any order, as fast as a user clicks: the session follows the last call. A session
 * the server ends before its `start()` finished fails that start with `disconnected`, at once, and
 * leaves nothing behind either. Hidden in `<Activity mode="hidden">`, the provider ends its call
 * as unmounting does and keeps its state: shown again it says disconnected, and `connect` starts a
 * new session.
 *
 * Options changed while connected (`roomName`, `participantName`, `camera`, …) leave the live
 * call untouched; the next `start()` uses them. Fetch options changed while no session is connected
 * or starting move the token in hand to them once they have stood still for 500 ms (one generator
 * call for a room name typed a key at a time), so that `start()` connects at once and
 * `useTokenStatus()` shows their token. Switching between `tokenSource` and
 * `generator`/`tokenEndpoint` remounts the session (it ends a live one); a new generator or
 * endpoint alone does not. See `docs/session-lifecycle.md`.
 *
 * @example
 * ```tsx
 * import { AgentStatusIndicator, CameraGrid, ConnectButton, CustomTokenSessionProvider, ErrorNotice } from 'livekit-custom-token-react';
 * import type { TokenGenerator } from 'livekit-custom-token-react';
 *
 * declare const myGenerator: TokenGenerator;
 *
 * export const App = () => (
 *   <CustomTokenSessionProvider generator={myGenerator} roomName="support" agentName="helper" freshRoomPerSession>
 *     <ConnectButton />
 *     <AgentStatusIndicator />
 *     <CameraGrid />
 *     <ErrorNotice />
 *   </CustomTokenSessionProvider>
 * );
 * ```
 */
export function CustomTokenSessionProvider(props: CustomTokenSessionProviderProps) {
  // LiveKit's useSession takes a surrounding RoomContext's Room over its `room` option: the prop
  // is made the context, so that it wins (always a Provider, so that giving one remounts nothing).
  const surrounding = useMaybeRoomContext();
  return (
    <RoomContext.Provider value={props.room ?? surrounding}>
      {props.tokenSource ? <TokenSession {...props} source={props.tokenSource} /> : <OwnTokenSourceSession {...props} />}
    </RoomContext.Provider>
  );
}

/** The provider without a `tokenSource`: builds its own around `generator` or `tokenEndpoint`. */
function OwnTokenSourceSession(props: CustomTokenSessionProviderProps) {
  const { generator, tokenEndpoint } = props;
  const endpointGenerator = React.useMemo(
    () => (tokenEndpoint === undefined ? undefined : createEndpointGenerator(tokenEndpoint)),
    [tokenEndpoint],
  );
  // The props hold every token source option (their type includes `UseCustomTokenSourceOptions`): passed
  // on whole, none can be left out (`cacheSize` once was); the source reads its own and nothing else.
  const source = useCustomTokenSource(generator ?? endpointGenerator ?? missingGenerator, props);
  return <TokenSession {...props} source={source} />;
}

/** The session on a token source, whichever built it. */
function TokenSession(props: CustomTokenSessionProviderProps & { source: CustomTokenSource }) {
  const { children, source, microphone, camera, screenShare, roomConnectOptions } = props;
  const { agentConnectTimeoutMs = 20_000, room, onError, connect, freshRoomPerSession = false, prefetch = true } = props;
  // `NaN` or a negative timeout would fail every agent session at once, after dispatching its agent.
  requireNumber('CustomTokenSessionProvider', 'agentConnectTimeoutMs', agentConnectTimeoutMs);
  const fetchOptions = useFetchOptions(props);
  const { sessionSource, options, nextStartOptions } = useSessionTokenSource(source, fetchOptions, freshRoomPerSession, prefetch);
  const [sourceForLiveKit, optionsForLiveKit] = useDeploymentApart(sessionSource, options);
  const session = useSession(sourceForLiveKit, {
    ...optionsForLiveKit,
    // LiveKit's agent timeout, as long as a timer holds (effectively off): its timer can fire for an
    // earlier session, so `startSession` keeps each session's own.
    agentConnectTimeoutMilliseconds: MAX_TIMER_MS,
    ...(room ? { room } : {}),
  });
  const liveAgent = useAgent(session);
  // After useAgent: its effects follow a new Room too, and must hear the state announced for it.
  useRoomStateResync(session);
  useStaleConnectCancelled(session.room);
  const cameraTracks = useCameraTrackList(session.room, session.connectionState);
  const { runner, actions, error, agentAwaited, agentLeftAsCallEnds } = useSessionLifecycle(session, liveAgent, {
    connectOptions: toConnectOptions({ microphone, camera, screenShare, roomConnectOptions }),
    fetchToken: (signal) => sessionSource.fetchForSession(nextStartOptions(), signal),
    prepareNextSession: () => sessionSource.prepareNextSessionOnce(options),
    // The room of a start that did not finish may hold its agent: a fresh room for the next one,
    // when the room is derived per session or named by the token endpoint (no `roomName`, or `''`,
    // which names none). Nor is a token joined with again that LiveKit refused, or whose server could not be
    // reached: the endpoint may name another server (a healthy node of a cluster). Once: LiveKit's
    // own end() (the session of `useSessionContext()`) that abandoned the start has asked already.
    leftRoomUnfinished: (error) => {
      if (freshRoomPerSession || !options.roomName || needsAnotherToken(error)) sessionSource.prepareNextSessionOnce(options);
    },
    agentConnectTimeoutMs,
    onError,
  });

  const agent = useAgentStatusValue(liveAgent, session.room, error, agentAwaited, agentLeftAsCallEnds);
  const errorNotices = useErrorNoticeRegistry();

  const { connectionState, isConnected } = session;
  // The provider is a user of its source, given or own.
  useSourceForSession(source, isConnected);
  // No session connected or starting: the token in hand follows the options (a lobby picking its room).
  useFollowOptionsWhileIdle(sessionSource, options, runner, session.room);
  // A new `Room` (the `room` prop, a surrounding RoomContext) ends the call in the old one, as
  // unmounting does (LiveKit's useSession leaves it): with `connect` the session follows to the new one.
  const sessionRoom = session.room;
  React.useEffect(() => {
    if (connect === true) void actions.start();
    else if (connect === false) void actions.end();
  }, [connect, actions, sessionRoom]);

  return (
    <SessionProvider session={session}>
      <TokenSourceContext.Provider value={source}>
        <SessionActionsContext.Provider value={actions}>
          <SessionStateProvider runner={runner} connectionState={connectionState} isConnected={isConnected}>
            <AgentStatusContext.Provider value={agent}>
              <CameraTracksContext.Provider value={cameraTracks}>
                <ErrorNoticeRegistryContext.Provider value={errorNotices}>{children}</ErrorNoticeRegistryContext.Provider>
              </CameraTracksContext.Provider>
            </AgentStatusContext.Provider>
          </SessionStateProvider>
        </SessionActionsContext.Provider>
      </TokenSourceContext.Provider>
    </SessionProvider>
  );
}
