import type { UseAgentReturn } from '@livekit/components-react';
import * as React from 'react';
import { agentStateFlags, returnedAgentState } from '../returnedAgentState.js';

/**
 * A wait for the agent to be ready for input (listening, thinking or speaking), as LiveKit's
 * `useAgent().waitUntilConnected` — except that an agent reporting a ready state is ready also
 * while `useAgent` still says `failed` about it (see `returnedAgentState`). A full reconnect (a
 * LiveKit server restart) while a start waits for its agent takes the agent away, and `useAgent`
 * records "Agent left the room unexpectedly", which it clears only on a render that sees the room
 * disconnected: without this, the start waited for its agent, back and listening, until its
 * timeout. (A start after an agent left does not meet that `failed`: it connects only once the app
 * has seen the room disconnected, see `startSession`.) A wait rejects with its signal's reason when
 * the signal aborts (the start abandoned, or out of time), and is then forgotten: nothing of that
 * start stays referenced.
 */
export function useWaitUntilAgentReady(agent: Pick<UseAgentReturn, 'state' | 'attributes'>): (signal: AbortSignal) => Promise<void> {
  const ready = agentStateFlags(returnedAgentState(agent) ?? agent.state).isConnected;
  // Written in an effect, read by the waits (as LiveKit's own wait reads its state).
  const waiting = React.useRef({ ready, wake: new Set<() => void>() });
  React.useEffect(() => {
    const { wake } = waiting.current;
    waiting.current.ready = ready;
    // Stryker disable next-line ConditionalExpression: no wait is queued when ready turns false: those made while ready resolved at once, the earlier ones were woken as it turned true
    if (!ready) return;
    wake.forEach((resolve) => resolve());
    wake.clear();
  }, [ready]);
  return React.useCallback(
    (signal: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        signal.throwIfAborted();
        const { wake } = waiting.current;
        if (waiting.current.ready) return resolve();
        const onAbort = () => {
          wake.delete(woken);
          reject(signal.reason as Error);
        };
        const woken = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        wake.add(woken);
        // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal dispatches 'abort' once only, so `once` changes nothing a caller sees
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    [],
  );
}
