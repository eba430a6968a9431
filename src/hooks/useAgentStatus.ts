import { useAgentStatusContext, type AgentStatus } from '../context/AgentStatusContext.js';

/**
 * The session's agent: `state`, `failureReasons`, `isConnected`, `canListen`, `isFinished`,
 * `identity`, `name` and its camera and microphone tracks. Re-renders only when one of these
 * changes — not for other participants' tracks.
 *
 * @throws outside `<CustomTokenSessionProvider>`.
 * @example
 * ```tsx
 * import { useAgentStatus } from 'livekit-custom-token-react';
 *
 * // Inside <CustomTokenSessionProvider agentName="…">:
 * export function AgentBadge() {
 *   const { state, failureReasons } = useAgentStatus();
 *   return <span title={failureReasons.join(' ')}>{state}</span>;
 * }
 * ```
 */
export function useAgentStatus(): AgentStatus {
  return useAgentStatusContext('useAgentStatus');
}
