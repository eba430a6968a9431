import { act } from '@testing-library/react';
import { ParticipantKind } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { joinRemote, leaveRemote, roomWithoutServer, setAttributes, tokenGenerator } from '../helpers/room';
import { renderSession } from './render';

afterEach(() => {
  vi.useRealTimers();
});

/** Starts the session and lets the token fetch and connect run, on fake timers. */
async function startOnFakeTimers(session: () => { start: () => Promise<void> }) {
  let settled = false;
  act(() => {
    void session().start().then(() => {
      settled = true;
    });
  });
  await act(() => vi.advanceTimersByTimeAsync(50));
  return () => settled;
}

describe('CustomTokenSessionProvider with a dispatched agent', () => {
  it('settles start() with agent_failed after the agent connect timeout when no agent joins', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', agentConnectTimeoutMs: 5_000, microphone: false });
    const settled = await startOnFakeTimers(session);
    expect(session()).toMatchObject({ isConnected: true, isStarting: true });

    await act(() => vi.advanceTimersByTimeAsync(4_900));
    expect(settled()).toBe(false);
    await act(() => vi.advanceTimersByTimeAsync(200));

    expect(settled()).toBe(true);
    expect(session().error).toMatchObject({ code: 'agent_failed', failureReasons: ['Agent did not join the room.'] });
    expect(session()).toMatchObject({ isStarting: false, isConnected: false });
    expect(room.state).toBe('disconnected');
  });

  it('resolves start() once the agent reports it is listening', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', microphone: false });
    const settled = await startOnFakeTimers(session);
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT });
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(settled()).toBe(false);

    setAttributes(room, agent, { 'lk.agent.state': 'listening' });
    await act(() => vi.advanceTimersByTimeAsync(10));

    expect(settled()).toBe(true);
    expect(session()).toMatchObject({ isConnected: true, isStarting: false, error: null });
  });

  it('reports agent_failed when the agent leaves a live session, without ending it', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', microphone: false });
    const settled = await startOnFakeTimers(session);
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(settled()).toBe(true);

    leaveRemote(room, agent);
    await act(() => vi.advanceTimersByTimeAsync(10));

    expect(session().error).toMatchObject({ code: 'agent_failed', failureReasons: ['Agent left the room unexpectedly.'] });
    expect(session().isConnected).toBe(true);
    expect(room.state).toBe('connected');
  });

  it('does not fail a session without an agent when no agent joins', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', microphone: false });
    const settled = await startOnFakeTimers(session);
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(settled()).toBe(true);
    expect(session()).toMatchObject({ isConnected: true, error: null });
  });
});
