import { ParticipantKind } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentStatus } from '../../src/context/AgentStatusContext';
import type { CustomTokenError } from '../../src/core/errors';
import { useAgentStatus } from '../../src/hooks/useAgentStatus';
import { advance } from '../helpers/fakeTime';
import { joinRemote, leaveRemote, roomWithoutServer, tokenGenerator } from '../helpers/room';
import { clickStart, renderSession } from './render';

afterEach(() => {
  vi.useRealTimers();
});

describe('start() on a live call', () => {
  it('keeps the error of the live call whose agent left: it starts nothing, and the agent is still gone', async () => {
    vi.useFakeTimers();
    const { room, connect } = roomWithoutServer();
    const agentStatus: { current: AgentStatus | null } = { current: null };
    function AgentProbe() {
      agentStatus.current = useAgentStatus();
      return null;
    }
    const reported: CustomTokenError[] = [];
    const { session } = renderSession(
      {
        generator: tokenGenerator(),
        room,
        roomName: 'support',
        agentName: 'helper',
        microphone: false,
        onError: (error) => reported.push(error),
      },
      { children: <AgentProbe /> },
    );
    clickStart(session);
    await advance(50);
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await advance(10);
    leaveRemote(room, agent);
    await advance(10);
    expect(session().error?.code).toBe('agent_failed');

    const settled = clickStart(session);
    await advance(10);

    expect(settled()).toBe(true);
    expect(connect).toHaveBeenCalledOnce();
    expect(session()).toMatchObject({ isConnected: true, isStarting: false, error: { code: 'agent_failed' } });
    expect(agentStatus.current!.state).toBe('failed');
    expect(reported.map((error) => error.code)).toEqual(['agent_failed']);
  });
});
