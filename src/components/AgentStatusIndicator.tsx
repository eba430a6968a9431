import type { AgentState } from '@livekit/components-react';
import * as React from 'react';
import { ErrorNoticeRegistryContext } from '../context/ErrorNoticeRegistryContext.js';
import { useAgentStatus } from '../hooks/useAgentStatus.js';
import { useSessionState } from '../hooks/useSessionState.js';
import { classNames } from './classNames.js';
import { visuallyHidden } from './visuallyHidden.js';

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
  failed: 'The agent is not in the call', // it never came, or it left: the reasons after it say which
};

/** The turns of a conversation: several a minute, shown but not announced. */
const TURNS: ReadonlySet<AgentState> = new Set<AgentState>(['idle', 'listening', 'thinking', 'speaking']);

/**
 * The session's agent state, with the failure reasons when it failed, in a polite live region
 * (`role="status"`) that announces what changes the call — waiting for the agent, the agent
 * getting ready, the agent ready (its first turn: "Agent is listening", say), failed, gone — and
 * not each turn after that (listening, thinking, speaking, idle), which only the visible text
 * follows: several announcements a minute would drown the call. A screen reader reading the
 * region meanwhile hears the first turn's text. While `start()` runs it says it is waiting for the
 * agent (or, while the microphone's pre-connect buffer records, that it listens as the agent
 * joins; livekit-client stops the buffer 10 s after publishing); without a session it is empty.
 * For sessions that dispatch an agent: in a call without one it keeps waiting. The agent's failure
 * is the session's error: with an `ErrorNotice` on the page, whose alert announces it, the
 * indicator shows it without announcing it again (`aria-live="off"` meanwhile), also in the commit
 * before the session records it, which a browser may paint first. Unstyled: class
 * `lk-ctr-agent-status`, `data-state`.
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
  const { isStarting, error } = useSessionState();
  const hasErrorNotice = React.useContext(ErrorNoticeRegistryContext)?.hasNotice === true;
  // Before the room connects LiveKit reports no agent; the session is on its way to one.
  const state: AgentState = agentState === 'disconnected' && isStarting ? 'connecting' : agentState;
  // The session records its agent_failed in an effect after the commit that shows LiveKit's failure, which a
  // browser may paint (and announce) first: with an ErrorNotice on the page, that commit announces nothing new.
  const pending = state === 'failed' && hasErrorNotice && !error;
  const [judged, setJudged] = React.useState(false);
  // eslint-disable-next-line react-hooks/set-state-in-effect -- on purpose: a render after the effects in which the session records its error
  React.useEffect(() => setJudged(pending), [pending]);
  const held = pending && !judged;
  const announced = useAnnouncedState(state, held);
  const label = labels?.[state] ?? DEFAULT_LABELS[state];
  // The session's agent_failed is announced by the ErrorNotice on the page (an alert): shown here, not announced again.
  const leftToNotice = state === 'failed' && hasErrorNotice && error?.code === 'agent_failed';
  return (
    <div
      role="status"
      aria-live={leftToNotice ? 'off' : 'polite'}
      {...rest}
      className={classNames('lk-ctr-agent-status', className)}
      data-state={state}
    >
      {label !== '' && <span className="lk-ctr-agent-status-dot" aria-hidden="true" />}
      {/* Drawn, not read: a screen reader reads (and the region announces) the text after it, which skips the turns. */}
      {label !== '' && (
        <span className="lk-ctr-agent-status-label" aria-hidden="true">
          {label}
        </span>
      )}
      <span style={visuallyHidden}>{labels?.[announced] ?? DEFAULT_LABELS[announced]}</span>
      {/* Unstyled, adjacent spans run together: "joinAgent did not…" on screen and in a screen reader. */}
      {label !== '' && failureReasons.length > 0 && !held && ' '}
      {failureReasons.length > 0 && !held && <span className="lk-ctr-agent-status-reasons">{failureReasons.join(' ')}</span>}
    </div>
  );
}

/** The state to announce: `state`, except that a turn after a turn keeps the first turn's, and nothing changes while `held`. */
function useAnnouncedState(state: AgentState, held: boolean): AgentState {
  const [announced, setAnnounced] = React.useState(state);
  const next = held || (TURNS.has(state) && TURNS.has(announced)) ? announced : state;
  // Adjusting state while rendering, as React documents for state derived from the previous render's.
  if (next !== announced) setAnnounced(next);
  return next;
}
