import { act, screen } from '@testing-library/react';
import { DisconnectReason, ParticipantKind } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { advance } from '../helpers/fakeTime';
import { joinRemote, leaveRemote } from '../helpers/room';
import { renderAgentCallOnPage } from './render';

/*
 * An agent that left a live call without hanging up (removed by a moderator, its process gone) and
 * then is back in it (dispatched again into the room, say). What the page shows must be one story
 * in every order: while the agent is away the session's error is agent_failed and the indicator says
 * the agent is not in the call; once it is back (reporting its state) the error is gone and the
 * indicator says what the agent does — never "Agent is listening" beside "The agent left the call".
 */

afterEach(() => {
  vi.useRealTimers();
});

const indicator = () => screen.getByRole('status');

describe('CustomTokenSessionProvider: an agent back in the call after it left', () => {
  it('takes back the agent_failed once the agent is back, and the indicator and the notice agree', async () => {
    const { room, session, agent, reported } = await renderAgentCallOnPage();
    leaveRemote(room, agent, DisconnectReason.PARTICIPANT_REMOVED);
    await advance(10);
    expect(session().error).toMatchObject({ code: 'agent_failed' });
    expect(indicator().getAttribute('data-state')).toBe('failed');
    expect(screen.getByRole('alert').textContent).toContain('The agent left the call');

    joinRemote(room, 'agent-2', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await advance(10);

    expect(indicator().getAttribute('data-state')).toBe('listening');
    expect(session()).toMatchObject({ isConnected: true, error: null });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(reported.map(({ code }) => code)).toEqual(['agent_failed']);
  });

  it('fails again, once more, when the agent that came back leaves again', async () => {
    const { room, session, agent, reported } = await renderAgentCallOnPage();
    leaveRemote(room, agent, DisconnectReason.PARTICIPANT_REMOVED);
    await advance(10);
    const back = joinRemote(room, 'agent-2', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await advance(10);

    leaveRemote(room, back, DisconnectReason.PARTICIPANT_REMOVED);
    await advance(10);

    expect(session().error).toMatchObject({ code: 'agent_failed', reason: 'PARTICIPANT_REMOVED' });
    expect(indicator().getAttribute('data-state')).toBe('failed');
    expect(reported.map(({ code }) => code)).toEqual(['agent_failed', 'agent_failed']);
  });

  it('keeps agent_failed and the failed agent after the user ends the call while the agent is away', async () => {
    const { room, session, agent } = await renderAgentCallOnPage();
    leaveRemote(room, agent, DisconnectReason.PARTICIPANT_REMOVED);
    await advance(10);

    act(() => void session().end());
    await advance(50);

    expect(session()).toMatchObject({ isConnected: false, error: { code: 'agent_failed' } });
    expect(indicator().getAttribute('data-state')).toBe('failed');
    expect(screen.getByRole('alert').textContent).toContain('The agent left the call');
  });

  it('ends without an error when the user ends the call after the agent came back', async () => {
    const { room, session, agent } = await renderAgentCallOnPage();
    leaveRemote(room, agent, DisconnectReason.PARTICIPANT_REMOVED);
    await advance(10);
    joinRemote(room, 'agent-2', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await advance(10);

    act(() => void session().end());
    await advance(50);

    expect(session()).toMatchObject({ isConnected: false, error: null });
    expect(indicator().getAttribute('data-state')).toBe('disconnected');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
