import { act, screen } from '@testing-library/react';
import { DisconnectReason, ParticipantKind } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentStatusIndicator } from '../../src/components/AgentStatusIndicator';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import type { CustomTokenError } from '../../src/core/errors';
import { useAgentStatus, type UseAgentStatusReturn } from '../../src/hooks/useAgentStatus';
import { joinRemote, leaveRemote, roomWithoutServer, tokenGenerator } from '../helpers/room';
import { clickStart, renderSession } from './render';

/*
 * An agent that hangs up — its job ends after it said goodbye (`ctx.shutdown()`, `session.shutdown()`,
 * LiveKit's EndCallTool without deleting the room): it leaves on its own, and the server tells every
 * participant so (`CLIENT_INITIATED`). The call is over, as a phone call is when the other side
 * hangs up: no failure.
 */

afterEach(() => {
  vi.useRealTimers();
});

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

/** A live agent call (on a real `Room`), with the agent status of every render and the app's components. */
async function callWithAgent() {
  vi.useFakeTimers();
  const { room } = roomWithoutServer();
  const reported: CustomTokenError[] = [];
  const agentStates: UseAgentStatusReturn['state'][] = [];
  function AgentProbe() {
    agentStates.push(useAgentStatus().state);
    return null;
  }
  const { session } = renderSession(
    {
      generator: tokenGenerator(),
      room,
      roomName: 'support',
      agentName: 'helper',
      microphone: false,
      onError: (error) => reported.push(error),
    },
    {
      children: (
        <>
          <AgentProbe />
          <AgentStatusIndicator />
          <ErrorNotice />
        </>
      ),
    },
  );
  const settled = clickStart(session);
  await advance(50);
  const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
  await advance(10);
  expect(settled()).toBe(true);
  expect(session().isConnected).toBe(true);
  return { room, session, agent, reported, agentStates };
}

describe('CustomTokenSessionProvider: the agent hangs up', () => {
  it('ends the call without an error: no agent_failed, no onError, the agent disconnected (never failed), the room left', async () => {
    const { room, session, agent, reported, agentStates } = await callWithAgent();
    agentStates.length = 0;

    leaveRemote(room, agent, DisconnectReason.CLIENT_INITIATED);
    await advance(50);

    expect(room.state).toBe('disconnected');
    expect(session()).toMatchObject({ isConnected: false, isStarting: false, error: null });
    expect(reported).toEqual([]);
    expect(agentStates).not.toContain('failed');
    expect(agentStates.at(-1)).toBe('disconnected');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('status').getAttribute('data-state')).toBe('disconnected');
  });

  it('starts the next session cleanly: a new token, connected, no error', async () => {
    const { room, session, agent } = await callWithAgent();
    leaveRemote(room, agent, DisconnectReason.CLIENT_INITIATED);
    await advance(50);

    const settled = clickStart(session);
    await advance(50);
    joinRemote(room, 'agent-2', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await advance(10);

    expect(settled()).toBe(true);
    expect(session()).toMatchObject({ isConnected: true, error: null });
  });

  it('still fails a start whose agent leaves on its own before it was ever ready: it did not become ready', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', microphone: false });
    const settled = clickStart(session);
    await advance(50);
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'initializing' } });
    await advance(10);

    leaveRemote(room, agent, DisconnectReason.CLIENT_INITIATED);
    await advance(10);

    expect(settled()).toBe(true);
    expect(session().error).toMatchObject({ code: 'agent_failed', reason: 'CLIENT_INITIATED' });
    expect(session().error?.message).toMatch(/^The agent did not become ready \(CLIENT_INITIATED\)/);
    expect(room.state).toBe('disconnected');
  });
});
