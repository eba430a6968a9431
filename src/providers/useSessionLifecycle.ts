import type { SessionConnectOptions, UseAgentReturn, UseSessionReturn } from '@livekit/components-react';
import { ConnectionState, DisconnectReason, RoomEvent } from 'livekit-client';
import * as React from 'react';
import type { SessionActions } from '../context/SessionActionsContext.js';
import { CustomTokenError } from '../core/errors.js';
import { useLatest } from '../hooks/useLatest.js';
import { SessionRunner } from './SessionRunner.js';
import { toDisconnectError, toSessionError } from './toSessionError.js';

interface SessionLifecycleConfig {
  /** Tracks and room options for `useSession().start()`. */
  connectOptions: Omit<SessionConnectOptions, 'signal'>;
  onError: ((error: CustomTokenError) => void) | undefined;
  /** Whether this session waits for an agent, so that an agent failure fails the session. */
  expectsAgent: () => boolean;
}

/**
 * Drives LiveKit's session through a {@link SessionRunner}: serialised, idempotent, never
 * rejecting actions, one typed error, and an agent that never gets ready failing `start()`.
 * Returns the runner (whose phase `SessionStateProvider` reads), its actions and its error.
 */
export function useSessionLifecycle(
  session: UseSessionReturn,
  agent: Pick<UseAgentReturn, 'state' | 'failureReasons'>,
  config: SessionLifecycleConfig,
): { runner: SessionRunner; actions: SessionActions; error: CustomTokenError | null } {
  const latest = useLatest({ session, config });
  const [runner] = React.useState(
    () =>
      new SessionRunner(() => ({
        start: (signal) => latest.current.session.start({ ...latest.current.config.connectOptions, signal }),
        end: () => latest.current.session.end(),
        isDisconnected: () => latest.current.session.room.state === ConnectionState.Disconnected,
        toError: toSessionError,
        onError: latest.current.config.onError,
      })),
  );
  React.useEffect(() => runner.attach(), [runner]);
  const readError = () => runner.getSnapshot().error;
  const error = React.useSyncExternalStore(runner.subscribe, readError, readError);

  const reportedReasons = React.useRef<readonly string[] | null>(null);
  const { state: agentState, failureReasons } = agent;
  React.useEffect(() => {
    if (agentState !== 'failed' || !failureReasons || reportedReasons.current === failureReasons || !latest.current.config.expectsAgent()) return;
    reportedReasons.current = failureReasons;
    const message = `The agent did not become ready: ${failureReasons.join(' ')}`;
    runner.fail(new CustomTokenError('agent_failed', message, { failureReasons }));
  }, [runner, latest, agentState, failureReasons]);

  // A live session that ends without end() (server gone, removed, same identity elsewhere) is
  // an error. A connect that fails is start()'s error, with LiveKit's more precise reason.
  const { room } = session;
  React.useEffect(() => {
    const onDisconnected = (reason?: DisconnectReason) => {
      if (reason === DisconnectReason.CLIENT_INITIATED || runner.getSnapshot().phase !== 'idle') return;
      runner.fail(toDisconnectError(reason));
    };
    room.on(RoomEvent.Disconnected, onDisconnected);
    return () => {
      room.off(RoomEvent.Disconnected, onDisconnected);
    };
  }, [room, runner]);

  const actions = React.useMemo(() => ({ start: runner.start, end: runner.end, restart: runner.restart }), [runner]);
  return { runner, actions, error };
}
