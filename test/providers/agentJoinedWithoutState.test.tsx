import { act } from '@testing-library/react';
import { ParticipantKind } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentStatus } from '../../src/context/AgentStatusContext';
import { useAgentStatus } from '../../src/hooks/useAgentStatus';
import { joinRemote, publishCamera, roomWithoutServer, tokenGenerator } from '../helpers/room';
import { clickStart, renderSession } from './render';

afterEach(() => {
  vi.useRealTimers();
});

describe('useAgentStatus for an agent in the room that has not reported its state yet', () => {
  it("gives its identity, name and its avatar's camera, as soon as it joined", async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const agentStatus: { current: AgentStatus | null } = { current: null };
    function AgentProbe() {
      agentStatus.current = useAgentStatus();
      return null;
    }
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', microphone: false },
      { children: <AgentProbe /> },
    );
    clickStart(session);
    await act(() => vi.advanceTimersByTimeAsync(50));

    // Its `lk.agent.state` comes later; its avatar worker publishes the camera meanwhile.
    joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, name: 'Helper' });
    const avatar = joinRemote(room, 'avatar-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.publish_on_behalf': 'agent-1' } });
    publishCamera(room, avatar);
    await act(() => vi.advanceTimersByTimeAsync(10));

    expect(agentStatus.current).toMatchObject({ state: 'connecting', identity: 'agent-1', name: 'Helper' });
    expect(agentStatus.current?.cameraTrack?.participant.identity).toBe('avatar-1');
  });
});
