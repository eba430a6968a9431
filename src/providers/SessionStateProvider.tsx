import type { ConnectionState } from 'livekit-client';
import * as React from 'react';
import { SessionStateContext } from '../context/SessionStateContext.js';
import type { SessionRunner } from './session/SessionRunner.js';

interface SessionStateProviderProps {
  runner: SessionRunner;
  connectionState: ConnectionState;
  isConnected: boolean;
  children: React.ReactNode;
}

/**
 * Provides the session state. The runner's phase is read here, not in the provider above, so
 * `start()` and `end()` beginning or settling re-render this and the state's consumers only —
 * not LiveKit's session hooks, and not before `Room.connect` is called.
 */
export function SessionStateProvider({ runner, connectionState, isConnected, children }: SessionStateProviderProps) {
  const { phase, error } = React.useSyncExternalStore(runner.subscribe, runner.getSnapshot, runner.getSnapshot);
  const state = React.useMemo(
    () => ({ connectionState, isConnected, isStarting: phase === 'starting', isEnding: phase === 'ending', error }),
    [connectionState, isConnected, phase, error],
  );
  return <SessionStateContext.Provider value={state}>{children}</SessionStateContext.Provider>;
}
