import type { AgentState } from '@livekit/components-react';
import * as React from 'react';
import { useAgentStatus } from '../hooks/useAgentStatus.js';
import { classNames } from './classNames.js';

/** Props of {@link AgentStatusIndicator}. */
export interface AgentStatusIndicatorProps extends Omit<React.HTMLAttributes<HTMLDivElement>, 'children'> {
  /** Text per agent state. @defaultValue English sentences such as `Agent is listening` */
  labels?: Partial<Record<AgentState, string>>;
}

const DEFAULT_LABELS: Record<AgentState, string> = {
  disconnected: 'No agent',
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
 * with the failure reasons when it failed. Unstyled: class `lk-ctr-agent-status`, `data-state`.
 *
 * @example
 * ```tsx
 * <CustomTokenSessionProvider generator={generator} roomName="support" agentName="helper" freshRoomPerSession>
 *   <AgentStatusIndicator />
 * </CustomTokenSessionProvider>
 * ```
 */
export function AgentStatusIndicator({ labels, className, ...rest }: AgentStatusIndicatorProps) {
  const { state, failureReasons } = useAgentStatus();
  return (
    <div role="status" aria-live="polite" {...rest} className={classNames('lk-ctr-agent-status', className)} data-state={state}>
      <span className="lk-ctr-agent-status-dot" aria-hidden="true" />
      <span className="lk-ctr-agent-status-label">{labels?.[state] ?? DEFAULT_LABELS[state]}</span>
      {failureReasons.length > 0 && <span className="lk-ctr-agent-status-reasons">{failureReasons.join(' ')}</span>}
    </div>
  );
}
