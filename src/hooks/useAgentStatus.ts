import { useAgentStatusContext, type AgentStatus } from '../context/AgentStatusContext.js';

/**
 * What {@link useAgentStatus} returns: the agent's state, failure reasons, identity and tracks.
 *
 * @example
 * ```tsx
 * import { useAgentStatus, type UseAgentStatusReturn } from 'livekit-custom-token-react';
 *
 * const waiting = ({ state }: UseAgentStatusReturn) => state === 'connecting' || state === 'initializing';
 * // Inside <CustomTokenSessionProvider agentName="…">:
 * export function AgentWait() {
 *   return waiting(useAgentStatus()) ? <span>Waiting for the agent…</span> : null;
 * }
 * ```
 */
export type UseAgentStatusReturn = AgentStatus;

/**
 * The session's agent: `state`, `failureReasons`, `isConnected`, `canListen`, `isFinished`,
 * `identity`, `name` and its camera and microphone tracks. Re-renders only when one of these
 * changes — not for other participants' tracks.
 *
 * @throws a `CustomTokenError` with code `outside_provider` outside `<CustomTokenSessionProvider>`.
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
export function useAgentStatus(): UseAgentStatusReturn {
  return useAgentStatusContext('useAgentStatus');
}
