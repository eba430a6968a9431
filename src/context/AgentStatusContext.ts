import type { AgentState, TrackReference } from '@livekit/components-react';
import { createSessionContext, useRequiredContext, useSessionContext } from './createSessionContext.js';

/**
 * The session's agent, as `useAgentStatus` returns it. Immutable; a new object only when something here changes.
 *
 * @example
 * ```tsx
 * import { VideoTrack } from '@livekit/components-react';
 * import { useAgentStatus, type AgentStatus } from 'livekit-custom-token-react';
 *
 * const agentLabel = (agent: AgentStatus) =>
 *   agent.state === 'failed' ? `Failed: ${agent.failureReasons.join(', ')}` : `${agent.name ?? 'Agent'}: ${agent.state}`;
 *
 * // Inside <CustomTokenSessionProvider agentName="helper">:
 * export function Agent() {
 *   const agent = useAgentStatus();
 *   return agent.cameraTrack ? <VideoTrack trackRef={agent.cameraTrack} /> : <p>{agentLabel(agent)}</p>;
 * }
 * ```
 */
export interface AgentStatus {
  /** LiveKit's agent state: `disconnected`, `connecting`, `pre-connect-buffering`, `initializing`, `idle`, `listening`, `thinking`, `speaking` or `failed`. */
  readonly state: AgentState;
  /** Why the agent failed (`state === 'failed'`), in LiveKit's words; empty otherwise. */
  readonly failureReasons: readonly string[];
  /** The agent is in the room and ready for input. */
  readonly isConnected: boolean;
  /** The user's speech can be heard (by the agent, or the pre-connect buffer while it records). */
  readonly canListen: boolean;
  /** The agent left, failed, or the session is disconnected. */
  readonly isFinished: boolean;
  /** The agent participant's identity, once it joined. */
  readonly identity: string | undefined;
  /** The agent participant's display name, once it joined. */
  readonly name: string | undefined;
  /** The agent's camera track: its own, else that of the worker publishing for it (an avatar); `undefined` while there is none. */
  readonly cameraTrack: TrackReference | undefined;
  /** The agent's microphone track: its own, else that of the worker publishing for it (an avatar); `undefined` while there is none. */
  readonly microphoneTrack: TrackReference | undefined;
}

/** The session's agent status, provided by `CustomTokenSessionProvider`. */
export const AgentStatusContext = /* @__PURE__ */ createSessionContext<AgentStatus>('AgentStatusContext');

/** No agent: what the provider renders on the server, read while hydrating (see `useSessionContext`). */
const SERVER_STATUS: AgentStatus = {
  state: 'disconnected',
  failureReasons: [],
  isConnected: false,
  canListen: false,
  isFinished: true,
  identity: undefined,
  name: undefined,
  cameraTrack: undefined,
  microphoneTrack: undefined,
};

/**
 * Reads the agent status where a `<CustomTokenSessionProvider>` may be missing: `null` outside one,
 * where `useAgentStatus` throws.
 *
 * @example
 * ```tsx
 * import { useMaybeAgentStatusContext } from 'livekit-custom-token-react';
 *
 * export function Badge() {
 *   const agent = useMaybeAgentStatusContext();
 *   return agent ? <span>{agent.state}</span> : null;
 * }
 * ```
 */
export const useMaybeAgentStatusContext = (): AgentStatus | null => useSessionContext(AgentStatusContext, SERVER_STATUS);

/** Reads the agent status; outside a `<CustomTokenSessionProvider>` it throws, naming the hook that asked. */
export const useAgentStatusContext = (hookName: string): AgentStatus => useRequiredContext(AgentStatusContext, hookName, SERVER_STATUS);
