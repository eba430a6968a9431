import type { UseAgentReturn } from '@livekit/components-react';
import * as React from 'react';
import type { AgentStatus } from '../context/AgentStatusContext';
import { useEqualValue } from '../hooks/useEqualValue';
import { isSameTrackReference } from './isSameTrackReference';

const NO_REASONS: readonly string[] = [];

/** The agent slice of LiveKit's `useAgent`, rebuilt only when one of its fields changes. */
export function useAgentStatusValue(agent: UseAgentReturn): AgentStatus {
  const { state, failureReasons, isConnected, canListen, isFinished, identity, name } = agent;
  const cameraTrack = useEqualValue(agent.cameraTrack, isSameTrackReference);
  const microphoneTrack = useEqualValue(agent.microphoneTrack, isSameTrackReference);
  const reasons = useEqualValue(failureReasons ?? NO_REASONS, areSameStrings);
  return React.useMemo(
    () => ({ state, failureReasons: reasons, isConnected, canListen, isFinished, identity, name, cameraTrack, microphoneTrack }),
    [state, reasons, isConnected, canListen, isFinished, identity, name, cameraTrack, microphoneTrack],
  );
}

function areSameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
