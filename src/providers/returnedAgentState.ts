import type { AgentState, UseAgentReturn } from '@livekit/components-react';

/**
 * The state of an agent that LiveKit's `useAgent` still calls `failed` for having left, though it
 * is in the room again. A full reconnect (the LiveKit server restarting, a long network drop)
 * removes every remote participant, so `useAgent` records "Agent left the room unexpectedly", and
 * clears that only when the room disconnects. An agent reporting its `lk.agent.state` again is
 * back: that state. `null` when nothing failed, or the agent is really gone.
 *
 * @example
 * ```ts
 * const state = returnedAgentState(agent) ?? agent.state;
 * ```
 */
export function returnedAgentState(agent: Pick<UseAgentReturn, 'state' | 'attributes'>): AgentState | null {
  const reported = agent.state === 'failed' ? agent.attributes?.['lk.agent.state'] : undefined;
  return typeof reported === 'string' ? (reported as AgentState) : null;
}

/** What LiveKit's `useAgent` derives from a state, for a returned agent's (the same rules). */
export function agentStateFlags(state: AgentState): Pick<UseAgentReturn, 'isConnected' | 'canListen' | 'isFinished'> {
  const isConnected = state === 'listening' || state === 'thinking' || state === 'speaking';
  return {
    isConnected,
    canListen: isConnected || state === 'pre-connect-buffering',
    isFinished: state === 'disconnected' || state === 'failed',
  };
}
