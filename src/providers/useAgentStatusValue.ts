import type { UseAgentReturn } from '@livekit/components-react';
import * as React from 'react';
import type { AgentStatus } from '../context/AgentStatusContext.js';
import type { CustomTokenError } from '../core/errors.js';
import { useEqualValue } from '../hooks/useEqualValue.js';
import { agentStateFlags, returnedAgentState } from './returnedAgentState.js';
import { useStableTrackReference } from './useStableTrackReferences.js';

const NO_REASONS: readonly string[] = [];

/**
 * The agent slice of LiveKit's `useAgent`, rebuilt only when one of its fields changes. An
 * `agent_failed` session error keeps the state `failed` (with its reasons) after the failed
 * session disconnected, where LiveKit's state falls back to `disconnected`. An agent a full
 * reconnect took away and brought back has its own state again, where LiveKit's stays `failed`.
 */
export function useAgentStatusValue(agent: UseAgentReturn, sessionError: CustomTokenError | null): AgentStatus {
  const { identity, name } = agent;
  const returned = returnedAgentState(agent);
  const { isConnected, canListen, isFinished } = returned ? agentStateFlags(returned) : agent;
  const failedSession = sessionError?.code === 'agent_failed' && agent.state === 'disconnected' ? sessionError : null;
  const state = failedSession ? 'failed' : (returned ?? agent.state);
  const cameraTrack = useStableTrackReference(agent.cameraTrack);
  const microphoneTrack = useStableTrackReference(agent.microphoneTrack);
  const reasons = useEqualValue(failedSession?.failureReasons ?? (returned ? null : agent.failureReasons) ?? NO_REASONS, areSameStrings);
  return React.useMemo(
    () => ({ state, failureReasons: reasons, isConnected, canListen, isFinished, identity, name, cameraTrack, microphoneTrack }),
    [state, reasons, isConnected, canListen, isFinished, identity, name, cameraTrack, microphoneTrack],
  );
}

function areSameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
