import { act, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentStatusIndicator } from '../../src/components/AgentStatusIndicator';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import type { AgentStatus } from '../../src/context/AgentStatusContext';
import { useAgentStatus } from '../../src/hooks/useAgentStatus';
import { scriptedWorld } from '../helpers/scriptedWorld';
import { renderSession } from './render';

/*
 * useAgentStatus: "After a session failed for its agent, `state` stays `failed` with the reasons
 * until the next `start()`"; AgentStatusIndicator: "Waiting for the agent…" from `start()` until it
 * is there. LiveKit's useAgent clears "Agent left the room unexpectedly." only on a render that sees
 * the room disconnected: a next session connecting before React rendered the leave (a leave that
 * takes a moment, then a token in hand) must not inherit the last session's failure.
 */

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

afterEach(() => {
  vi.useRealTimers();
});

type StartAgain = 'Try again' | 'end() then start()' | 'end(), start() during the leave';

describe('CustomTokenSessionProvider: the session after an agent left the call', () => {
  it.each<StartAgain>(['Try again', 'end() then start()', 'end(), start() during the leave'])(
    'waits for its own agent, not failed with the last one’s reasons (%s)',
    async (startAgain) => {
      vi.useFakeTimers();
      // Leaving a connected room takes 300 ms, as a leave over the network does.
      const w = scriptedWorld({ leaveMs: 300 });
      w.cooperate();
      const agent: { current: AgentStatus | null } = { current: null };
      function AgentProbe() {
        agent.current = useAgentStatus();
        return null;
      }
      const { session } = renderSession(
        {
          generator: w.generator,
          room: w.room,
          roomName: 'support',
          agentName: 'helper',
          freshRoomPerSession: true,
          agentConnectTimeoutMs: 5_000,
          microphone: false,
        },
        {
          children: (
            <>
              <ErrorNotice />
              <AgentStatusIndicator />
              <AgentProbe />
            </>
          ),
        },
      );
      act(() => void session().start());
      await advance(50);
      w.agentEvent('joins ready');
      await advance(50);
      w.agentEvent('leaves');
      await advance(50);
      expect(session().error?.code).toBe('agent_failed');
      expect(agent.current?.state).toBe('failed');

      if (startAgain === 'Try again') act(() => screen.getByRole('button', { name: 'Try again' }).click());
      else {
        act(() => void session().end());
        if (startAgain === 'end(), start() during the leave') await advance(100);
        act(() => void session().start());
      }
      await advance(400);

      // The new session is in its room, waiting for its agent.
      expect(session()).toMatchObject({ isConnected: true, isStarting: true, error: null });
      expect(agent.current).toMatchObject({ state: 'connecting', failureReasons: [] });
      expect(screen.getByRole('status').textContent).toContain('Waiting for the agent…');
      expect(screen.getByRole('status').textContent).not.toContain('Agent left the room');

      w.agentEvent('joins ready');
      await advance(50);
      expect(session()).toMatchObject({ isStarting: false, error: null });
      expect(agent.current?.state).toBe('listening');
    },
  );
});
