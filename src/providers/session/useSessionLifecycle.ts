import type { SessionConnectOptions, UseAgentReturn, UseSessionReturn } from '@livekit/components-react';
import {
  ConnectionState,
  DisconnectReason,
  ParticipantKind,
  RoomEvent,
  type RemoteParticipant,
  type TokenSourceResponseObject,
} from 'livekit-client';
import * as React from 'react';
import type { SessionActions } from '../../context/SessionActionsContext.js';
import { CustomTokenError } from '../../core/errors.js';
import { useLatest } from '../../hooks/internal/useLatest.js';
import { agentStateFlags, returnedAgentState } from '../returnedAgentState.js';
import { markLeaving } from '../../hooks/internal/roomLeaving.js';
import { SessionRunner } from './SessionRunner.js';
import { dispatchesAgent, startSession } from './startSession.js';
import { disconnectReasonName, toDisconnectError, toSessionError } from './toSessionError.js';
import { useWaitUntilAgentReady } from './useWaitUntilAgentReady.js';

interface SessionLifecycleConfig {
  /** Tracks and room options for a start. */
  connectOptions: Omit<SessionConnectOptions, 'signal'>;
  /** The token a new session connects with. */
  fetchToken: (signal: AbortSignal) => Promise<TokenSourceResponseObject>;
  /** After a session ended without `end()`: gets the next session's token (and room) ready, unless that was done already. */
  prepareNextSession: () => void;
  /** After a start left a room it began to join, unfinished (see `startSession`). */
  leftRoomUnfinished: (error: unknown) => void;
  agentConnectTimeoutMs: number;
  onError: ((error: CustomTokenError) => void) | undefined;
}

/**
 * Drives LiveKit's session through a {@link SessionRunner}: serialised, idempotent, never
 * rejecting actions, one typed error, starts that leave nothing behind when abandoned, and an
 * agent judged against each session's own deadline (see {@link startSession}).
 * Returns the runner (whose phase `SessionStateProvider` reads), its actions, its error,
 * whether the session's agent, taken away by a full reconnect, is awaited (not failed yet), and
 * whether its departure ends the call — its room ends for everyone, or it hung up (not failed either).
 */
export function useSessionLifecycle(
  session: UseSessionReturn,
  agent: Pick<UseAgentReturn, 'state' | 'failureReasons' | 'attributes'>,
  config: SessionLifecycleConfig,
): { runner: SessionRunner; actions: SessionActions; error: CustomTokenError | null; agentAwaited: boolean; agentLeftAsCallEnds: boolean } {
  const waitUntilAgentReady = useWaitUntilAgentReady(agent);
  const latest = useLatest({ session, config });
  // Whether the session in the room dispatched an agent, read off the token it joined with: an
  // agent leaving fails that session only. (Props changed during the call are the next session's.)
  const joinedWithAgent = React.useRef(false);
  // Whether the agent of the session in the room has been ready: one that leaves after that left the call.
  const agentWasReady = React.useRef(false);
  // Why an agent last left the room, as the server told (livekit-client 2.23 passes it on; 2.20 does not).
  const agentLeftFor = React.useRef<DisconnectReason | undefined>(undefined);
  // The agent_failed last reported for an agent: taken back once an agent is in the call again.
  const agentFailure = React.useRef<CustomTokenError | null>(null);
  // Whether the effects are in place. Once they are cleaned up (unmount, a new `key`, hidden), LiveKit's
  // useSession is disconnecting the room: nothing is left for an end() still queued to disconnect, and
  // the room may be another provider's by the time it runs (a remount on a shared room).
  const attached = React.useRef(false);
  const [runner] = React.useState(
    () =>
      new SessionRunner(() => ({
        start: async (signal, abandon) => {
          // Unmounted or hidden: LiveKit's useSession has left the room, and nothing would ever leave it again.
          if (!attached.current) return;
          return startSession({
            room: latest.current.session.room,
            fetchToken: async (tokenSignal) => {
              const response = await latest.current.config.fetchToken(tokenSignal);
              // A start fetches only with the room disconnected: this is the token of the next session in it,
              // unless the start was abandoned meanwhile (a later one may be in the room by now).
              if (!tokenSignal.aborted) {
                joinedWithAgent.current = dispatchesAgent(response.participantToken);
                agentWasReady.current = false;
                agentLeftFor.current = undefined;
              }
              return response;
            },
            connectOptions: latest.current.config.connectOptions,
            waitUntilDisconnected: latest.current.session.waitUntilDisconnected,
            waitUntilConnected: latest.current.session.waitUntilConnected,
            waitUntilAgentReady,
            agentConnectTimeoutMs: latest.current.config.agentConnectTimeoutMs,
            signal,
            leftByApp: abandon,
            leftLiveCall: () => latest.current.config.prepareNextSession(),
            leftRoomUnfinished: (error) => latest.current.config.leftRoomUnfinished(error),
          });
        },
        end: () => {
          // The session is being left: its agent leaving before the leave is done (its job ends with
          // ours) is no failure, and a start queued behind this end() is not to be failed for it.
          joinedWithAgent.current = false;
          return latest.current.session.end();
        },
        isDisconnected: () => !attached.current || latest.current.session.room.state === ConnectionState.Disconnected,
        toError: toSessionError,
        onError: latest.current.config.onError,
      })),
  );
  const readError = () => runner.getSnapshot().error;
  const error = React.useSyncExternalStore(runner.subscribe, readError, readError);

  // LiveKit's agent timeout is not used (see `startSession`): what fails here is an agent leaving.
  // A full reconnect takes every remote participant away: the agent is judged once the room is
  // connected again, and one that is back (reporting its state) has not failed.
  const reportedReasons = React.useRef<readonly string[] | null>(null);
  const { state: agentState, failureReasons } = agent;
  const agentReturned = returnedAgentState(agent) !== null;
  const roomConnected = session.connectionState === ConnectionState.Connected;
  const agentReady = agentStateFlags(returnedAgentState(agent) ?? agentState).isConnected;
  React.useEffect(() => {
    if (agentReady) agentWasReady.current = true;
  }, [agentReady]);
  // LiveKit's useAgent may stay `failed`, with the same reasons, from a failed session into the
  // next (React 18 keeps it there): an agent back in the call that leaves again is a new failure.
  // Back (dispatched again, say), it has not failed: the session's error no longer says it has —
  // the page would show the agent listening beside "The agent left the call" and its Try again.
  React.useEffect(() => {
    if (!agentReturned) return;
    reportedReasons.current = null;
    if (agentFailure.current) runner.withdraw(agentFailure.current);
  }, [agentReturned, runner]);
  // After a full reconnect the agent reconnects on its own, and may come back after the room did
  // (both rejoin once a restarted server is up): it has `agentConnectTimeoutMs` from then, as at a start.
  // (A resume, `signalReconnecting`, takes nobody away.) An agent back (reporting its state) ends
  // that wait: one that leaves after that has left the call.
  const reconnectedAt = React.useRef(-Infinity);
  // Whether the session's agent is awaited so (while the room reconnects, and until the deadline): not failed yet.
  const [agentAwaited, setAgentAwaited] = React.useState(false);
  React.useEffect(() => {
    if (session.connectionState === ConnectionState.Reconnecting) reconnectedAt.current = Infinity;
    else if (!roomConnected || agentReturned) reconnectedAt.current = -Infinity;
    else if (reconnectedAt.current === Infinity) reconnectedAt.current = Date.now();
  }, [session.connectionState, roomConnected, agentReturned]);
  React.useEffect(() => {
    if (agentState !== 'failed' || agentReturned || !failureReasons || reportedReasons.current === failureReasons) return;
    // Not connected: the room reconnects in full (the agent is awaited), or the session is over.
    if (!roomConnected && reconnectedAt.current !== Infinity) return;
    const report = () => {
      setAgentAwaited(false);
      if (!joinedWithAgent.current) return;
      reportedReasons.current = failureReasons;
      const left = agentLeftFor.current;
      // The room ends for everyone (deleted — an agent hanging up, say — or the server hosting it stopping;
      // a node that drains keeps its participants until its rooms are empty): the agent's departure is the
      // first word of it, and the session's error is the room's. An agent that hung up ends the call
      // as the other side of a phone call does: no failure. Left at once — unless the app is leaving
      // that session already: its end() is under way, and a start asked after it is the next one's.
      if (endsCall(left, agentWasReady.current)) return runner.close(endsRoom(left) ? toDisconnectError(left) : null);
      // A start still waits for its agent; once it finished, the agent had been ready, and left the call.
      const during = runner.getSnapshot().phase === 'starting' && !agentWasReady.current ? 'did not become ready' : 'left the call';
      // Why, where the server said: removed, its connection lost, on its own before it was ready (`CLIENT_INITIATED`), …
      const reason = left === undefined ? undefined : disconnectReasonName(left);
      const why = reason === undefined ? '' : ` (${reason})`;
      agentFailure.current = new CustomTokenError('agent_failed', `The agent ${during}${why}: ${failureReasons.join(' ')}`, {
        failureReasons,
        reason,
      });
      runner.fail(agentFailure.current);
    };
    const waitLeft = reconnectedAt.current + latest.current.config.agentConnectTimeoutMs - Date.now();
    if (waitLeft <= 0) return report();
    setAgentAwaited(joinedWithAgent.current);
    // Still so when it fires: any change of these runs the effect again. (None while reconnecting.)
    const timer = waitLeft === Infinity ? undefined : setTimeout(report, waitLeft);
    return () => {
      clearTimeout(timer);
      setAgentAwaited(false);
    };
  }, [runner, agentState, failureReasons, agentReturned, roomConnected, latest]);

  // A live session that ends without end() (server gone, removed, same identity elsewhere) is
  // an error, and the next session gets a token (and with fresh rooms a room) of its own — also
  // when it ends before its start() finished, whose error it then is (see `startSession`). A
  // connect that fails was never live: it is start()'s error, with LiveKit's more precise reason.
  // A call the app leaves by other means than end() — LiveKit's `<DisconnectButton>` (its
  // `<ControlBar>`'s Leave) calls `room.disconnect()` — is no error, and moves on as after end().
  // A live call whose effects are cleaned up without an unmount — `<Activity mode="hidden">`, or in
  // development StrictMode running them again as a Suspense boundary shows its content again — is
  // ended by LiveKit's useSession, which disconnects its room in its own cleanup; nothing here hears
  // that. When the effects come back, the next session gets its token (and fresh room) as after any end.
  const { room } = session;
  const endedByCleanup = React.useRef(false);
  // Whether the agent's departure ends the call (see `endsCall`): the agent has not failed. Until the room connects again.
  const [agentLeftAsCallEnds, setAgentLeftAsCallEnds] = React.useState(false);
  React.useEffect(() => {
    attached.current = true;
    if (endedByCleanup.current) {
      endedByCleanup.current = false;
      // After every effect of this commit: the token source's own (in the component above) runs after this one.
      queueMicrotask(() => latest.current.config.prepareNextSession());
    }
    let live = room.state === ConnectionState.Connected;
    const onConnected = () => {
      live = true;
      setAgentLeftAsCallEnds(false);
    };
    const onDisconnected = (reason?: DisconnectReason) => {
      const wasLive = live;
      live = false;
      if (!wasLive) return;
      const idle = runner.getSnapshot().phase === 'idle';
      const left = reason === DisconnectReason.CLIENT_INITIATED;
      // end(), and a start that does not finish, move on to the next session themselves.
      if (left && !idle) return;
      latest.current.config.prepareNextSession();
      if (idle && !left) runner.fail(toDisconnectError(reason));
    };
    const onParticipantDisconnected = (participant: RemoteParticipant, reason?: DisconnectReason) => {
      // Not an avatar worker (an agent-kind participant publishing on the agent's behalf), which leaves with it.
      if (participant.kind !== ParticipantKind.AGENT || participant.attributes['lk.publish_on_behalf']) return;
      agentLeftFor.current = reason;
      // Heard with the agent's departure (one render): its status never says `failed` for the call ending.
      setAgentLeftAsCallEnds(endsCall(reason, joinedWithAgent.current && agentWasReady.current));
    };
    room.on(RoomEvent.Connected, onConnected).on(RoomEvent.Disconnected, onDisconnected);
    room.on(RoomEvent.ParticipantDisconnected, onParticipantDisconnected);
    return () => {
      room.off(RoomEvent.Connected, onConnected).off(RoomEvent.Disconnected, onDisconnected);
      room.off(RoomEvent.ParticipantDisconnected, onParticipantDisconnected);
      attached.current = false;
      // A start in flight is abandoned and moves on by itself (`leftRoomUnfinished`); an end() moves on by itself.
      if (live && runner.getSnapshot().phase === 'idle') endedByCleanup.current = true;
      // LiveKit's useSession (above) has begun to disconnect the room in its own cleanup: a start
      // still under way on it is over (StrictMode runs these effects again as a Suspense boundary
      // reveals its content, in development: the start would otherwise wait for an agent in a room
      // it had left, and fail at the agent timeout). A `connect` effect run again starts anew.
      markLeaving(room);
      // Its session is being left, as end() leaves one: its agent leaving is no failure, even seen from
      // this room again while the leave is under way (the Room given back before it finished).
      joinedWithAgent.current = false;
      const startAsked = runner.abandonStart();
      // Given another Room (the latest props hold it by now), a start() not finished follows it —
      // also one queued behind a leave (`restart()`): the last call asked for a session (a click
      // handler that sets the room and calls start() asks before this render). Unmounted or hidden, nothing starts.
      // eslint-disable-next-line react-hooks/exhaustive-deps -- the props of the render this cleanup makes way for, on purpose
      if (startAsked && latest.current.session.room !== room) void runner.start();
    };
  }, [room, runner, latest]);

  const actions = React.useMemo(() => ({ start: runner.start, end: runner.end, restart: runner.restart }), [runner]);
  return { runner, actions, error, agentAwaited, agentLeftAsCallEnds };
}

/** Whether a participant leaving for `reason` means the room ends for everyone: deleted (an agent hanging up, say), or its server stopping. */
function endsRoom(reason: DisconnectReason | undefined): boolean {
  return reason === DisconnectReason.ROOM_DELETED || reason === DisconnectReason.SERVER_SHUTDOWN;
}

/**
 * Whether an agent leaving for `reason` ends the call rather than failing it: its room ends for
 * everyone, or — the agent the session dispatched, once it had been ready (`hangsUpReady`) — it hung
 * up: left on its own (`CLIENT_INITIATED`: its job ended, after its goodbye say). One that leaves on
 * its own before it was ready never came; one the session did not dispatch ends no call of its.
 */
function endsCall(reason: DisconnectReason | undefined, hangsUpReady: boolean): boolean {
  return endsRoom(reason) || (reason === DisconnectReason.CLIENT_INITIATED && hangsUpReady);
}
