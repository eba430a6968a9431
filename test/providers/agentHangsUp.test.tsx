import { screen } from '@testing-library/react';
import { DisconnectReason, ParticipantKind } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { advance } from '../helpers/fakeTime';
import { joinRemote, leaveRemote } from '../helpers/room';
import { clickStart, renderAgentCallOnPage } from './render';

/*
 * An agent that hangs up — its job ends after it said goodbye (`ctx.shutdown()`, `session.shutdown()`,
 * LiveKit's EndCallTool without deleting the room): it leaves on its own, and the server tells every
 * participant so (`CLIENT_INITIATED`). The call is over, as a phone call is when the other side
 * hangs up: no failure.
 */

afterEach(() => {
  vi.useRealTimers();
});

describe('CustomTokenSessionProvider: the agent hangs up', () => {
  it('ends the call without an error: no agent_failed, no onError, the agent disconnected (never failed), the room left', async () => {
    const { room, session, agent, reported, agentStates } = await renderAgentCallOnPage();
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
    const { room, session, agent } = await renderAgentCallOnPage();
    leaveRemote(room, agent, DisconnectReason.CLIENT_INITIATED);
    await advance(50);

    const settled = clickStart(session);
    await advance(50);
    joinRemote(room, 'agent-2', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await advance(10);

    expect(settled()).toBe(true);
    expect(session()).toMatchObject({ isConnected: true, error: null });
  });
});
