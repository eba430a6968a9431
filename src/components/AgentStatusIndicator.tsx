import type { AgentState } from '@livekit/components-react';
import * as React from 'react';
import { useAgentStatus } from '../hooks/useAgentStatus.js';
import { useSessionState } from '../hooks/useSessionState.js';
import { classNames } from './classNames.js';

/**
 * Props of {@link AgentStatusIndicator}.
 *
 * @example
 * ```tsx
 * import { AgentStatusIndicator, type AgentStatusIndicatorProps } from 'livekit-custom-token-react';
 *
 * const labels: AgentStatusIndicatorProps['labels'] = { listening: 'Go ahead, I am listening', thinking: 'One moment…' };
 *
 * // Inside <CustomTokenSessionProvider agentName="helper">:
 * export function AssistantStatus(props: AgentStatusIndicatorProps) {
 *   return <AgentStatusIndicator labels={labels} {...props} />;
 * }
 * ```
 */
export interface AgentStatusIndicatorProps extends Omit<React.HTMLAttributes<HTMLDivElement>, 'children'> {
  /**
   * Text per agent state; `disconnected` (no session, or the session ended) shows nothing unless
   * given here.
   * @defaultValue English sentences, such as "Waiting for the agent…" and "Agent is listening"
   */
  labels?: Partial<Record<AgentState, string>> | undefined;
}

const DEFAULT_LABELS: Record<AgentState, string> = {
  disconnected: '',
  connecting: 'Waiting for the agent…',
  'pre-connect-buffering': 'Listening — the agent is joining…',
  initializing: 'The agent is getting ready…',
  idle: 'Agent is idle',
  listening: 'Agent is listening',
  thinking: 'Agent is thinking…',
  speaking: 'Agent is speaking',
  failed: 'The agent could not join',
};

/**
 * The session's agent state as a live region (announced to screen readers when it changes),
 * with the failure reasons when it failed. While `start()` runs it says it is waiting for the
 * agent (or, while the microphone's pre-connect buffer records, that it listens as the agent
 * joins); without a session it is empty. For sessions that dispatch an agent: in a call without
 * one it keeps waiting. Unstyled: class `lk-ctr-agent-status`, `data-state`.
 *
 * @example
 * ```tsx
 * import { AgentStatusIndicator, CustomTokenSessionProvider } from 'livekit-custom-token-react';
 *
 * export const App = () => (
 *   <CustomTokenSessionProvider tokenEndpoint="/api/livekit-token" roomName="support" agentName="helper" freshRoomPerSession>
 *     <AgentStatusIndicator />
 *   </CustomTokenSessionProvider>
 * );
 * ```
 */
export function AgentStatusIndicator({ labels, className, ...rest }: AgentStatusIndicatorProps) {
  const { state: agentState, failureReasons } = useAgentStatus();
  const { isStarting } = useSessionState();
  // Before the room connects LiveKit reports no agent; the session is on its way to one.
  const state: AgentState = agentState === 'disconnected' && isStarting ? 'connecting' : agentState;
  const label = labels?.[state] ?? DEFAULT_LABELS[state];
  return (
    <div role="status" aria-live="polite" {...rest} className={classNames('lk-ctr-agent-status', className)} data-state={state}>
      {label !== '' && <span className="lk-ctr-agent-status-dot" aria-hidden="true" />}
      {label !== '' && <span className="lk-ctr-agent-status-label">{label}</span>}
      {/* Unstyled, adjacent spans run together: "joinAgent did not…" on screen and in a screen reader. */}
      {label !== '' && failureReasons.length > 0 && ' '}
      {failureReasons.length > 0 && <span className="lk-ctr-agent-status-reasons">{failureReasons.join(' ')}</span>}
    </div>
  );
}
