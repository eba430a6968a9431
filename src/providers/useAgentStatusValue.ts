import { useParticipantTracks, type TrackReference, type UseAgentReturn } from '@livekit/components-react';
import { LocalAudioTrack, Track, type Participant, type Room } from 'livekit-client';
import * as React from 'react';
import type { AgentStatus } from '../context/AgentStatusContext.js';
import type { CustomTokenError } from '../core/errors.js';
import { shallowEqual } from '../core/shallowEqual.js';
import { useEqualValue } from '../hooks/internal/useEqualValue.js';
import { agentStateFlags, returnedAgentState } from './returnedAgentState.js';
import { useStableTrackReference } from './useStableTrackReferences.js';

const NO_REASONS: readonly string[] = [];
const AGENT_SOURCES = /* @__PURE__ */ (() => [Track.Source.Camera, Track.Source.Microphone])();

/**
 * The agent slice of LiveKit's `useAgent`, rebuilt only when one of its fields changes. An
 * `agent_failed` session error keeps the state `failed` (with its reasons) after the failed
 * session disconnected, where LiveKit's state falls back to `disconnected`. An agent a full
 * reconnect took away is `connecting` while the session awaits it (`awaited`: it has not failed
 * yet), where LiveKit says `failed`; one whose departure ends the call (`leftAsCallEnds`: its room
 * ends for everyone, or it hung up) is `disconnected`, where LiveKit says `failed`. Once back it has its own state,
 * identity, name and tracks again, where LiveKit's stay `failed` and empty.
 */
export function useAgentStatusValue(
  agent: UseAgentReturn,
  room: Room,
  sessionError: CustomTokenError | null,
  awaited: boolean,
  leftAsCallEnds: boolean,
): AgentStatus {
  const returned = returnedAgentState(agent);
  // LiveKit says `failed` ("Agent left the room unexpectedly.") for an agent whose departure ends the call.
  const gone = leftAsCallEnds && agent.state === 'failed' && returned === null;
  // LiveKit says `failed` ("Agent left the room unexpectedly.") from the moment the reconnect took the agent away.
  const awaitedBack = awaited && agent.state === 'failed' && returned === null;
  // LiveKit's useAgent also clears them for an agent in the room that has not reported its state yet.
  const joinedUnreported = agent.state === 'connecting' && agent.internal.agentParticipant !== null;
  const back = useReturnedAgent(agent, room, returned !== null || joinedUnreported || awaitedBack);
  const { identity, name } = back ?? agent;
  // LiveKit's useAgent says `pre-connect-buffering` for any microphone published: without a buffer
  // recording (publish options without `preConnectBuffer`, or it stopped) nothing hears the user.
  const buffering = agent.state === 'pre-connect-buffering';
  const recording = usePreConnectBufferRecording(room, buffering);
  const unheard = buffering && !recording;
  // What stands in for LiveKit's state: waiting for an agent (as at a start), or one gone as the call ends.
  const standIn = unheard || awaitedBack ? 'connecting' : gone ? 'disconnected' : null;
  const shown = returned ?? standIn;
  const { isConnected, canListen, isFinished } = shown ? agentStateFlags(shown) : agent;
  const failedSession = sessionError?.code === 'agent_failed' && agent.state === 'disconnected' ? sessionError : null;
  const state = failedSession ? 'failed' : (shown ?? agent.state);
  const cameraTrack = useStableTrackReference((back ?? agent).cameraTrack);
  const microphoneTrack = useStableTrackReference((back ?? agent).microphoneTrack);
  const reasons = useEqualValue(
    failedSession?.failureReasons ?? (returned || awaitedBack || gone ? null : agent.failureReasons) ?? NO_REASONS,
    shallowEqual,
  );
  return React.useMemo(
    () => ({ state, failureReasons: reasons, isConnected, canListen, isFinished, identity, name, cameraTrack, microphoneTrack }),
    [state, reasons, isConnected, canListen, isFinished, identity, name, cameraTrack, microphoneTrack],
  );
}

/**
 * What `useAgent` clears while it says `failed` (for an agent that is back) or `connecting` (for
 * one in the room that has not reported its state yet): identity and name off
 * its participant, and — as `useAgent` picks them — its own camera and microphone, else those of
 * the worker publishing on its behalf (an avatar). `null` unless `isBack`.
 */
function useReturnedAgent(
  agent: UseAgentReturn,
  room: Room,
  isBack: boolean,
): Pick<AgentStatus, 'identity' | 'name' | 'cameraTrack' | 'microphoneTrack'> | null {
  const { agentParticipant, workerParticipant } = agent.internal;
  const own = useTracksOf(isBack ? agentParticipant : null, room);
  const worker = useTracksOf(isBack ? workerParticipant : null, room);
  if (!isBack || !agentParticipant) return null;
  const pick = (source: Track.Source) => own.find((track) => track.source === source) ?? worker.find((track) => track.source === source);
  return {
    identity: agentParticipant.identity,
    name: agentParticipant.name,
    cameraTrack: pick(Track.Source.Camera),
    microphoneTrack: pick(Track.Source.Microphone),
  };
}

/** How often the buffer is read again while LiveKit says `pre-connect-buffering`. */
const BUFFER_CHECK_MS = 500;

/**
 * Whether the local microphone's pre-connect buffer records (what the user says then reaches the
 * agent when it joins), while `buffering`. livekit-client stops the buffer on its own, 10 s after
 * publishing or when the agent subscribes, and announces neither: it is read again every
 * {@link BUFFER_CHECK_MS} meanwhile.
 */
function usePreConnectBufferRecording(room: Room, buffering: boolean): boolean {
  const subscribe = React.useCallback(
    (changed: () => void) => {
      const timer = buffering ? setInterval(changed, BUFFER_CHECK_MS) : undefined;
      return () => clearInterval(timer);
    },
    [buffering],
  );
  const read = () => buffering && isPreConnectBufferRecording(room);
  return React.useSyncExternalStore(subscribe, read, read);
}

function isPreConnectBufferRecording(room: Room): boolean {
  const track = room.localParticipant.getTrackPublication(Track.Source.Microphone)?.track;
  return track instanceof LocalAudioTrack && track.hasPreConnectBuffer;
}

/** The camera and microphone of `participant` (none without one), kept up to date. */
function useTracksOf(participant: Participant | null, room: Room): TrackReference[] {
  const tracks = useParticipantTracks(AGENT_SOURCES, { room, participantIdentity: participant?.identity });
  // Without an identity LiveKit's hook reads a participant context instead: not ours.
  return participant ? tracks.filter((track) => track.participant === participant) : [];
}
