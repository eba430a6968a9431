import { act } from '@testing-library/react';
import { DisconnectReason, ParticipantKind, RoomEvent } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { advance } from '../helpers/fakeTime';
import { joinRemote, leaveRemote, roomWithoutServer, serverDisconnects, tokenGenerator } from '../helpers/room';
import { clickStart, renderAgentCall, renderSession } from './render';

/*
 * Why the agent left, as the server tells every participant (the DisconnectReason of its
 * participant update, which livekit-client 2.23 passes with `ParticipantDisconnected`): a moderator
 * removing it, its connection lost, or the room ending for everyone. (The agent hanging up — leaving
 * on its own — ends the call without a failure: agentHangsUp.test.tsx.)
 */

afterEach(() => {
  vi.useRealTimers();
});

/** A start whose dispatched agent joined and is still initializing: not ready yet. */
async function startWithAgentJoining() {
  vi.useFakeTimers();
  const { room } = roomWithoutServer();
  const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', microphone: false });
  const settled = clickStart(session);
  await advance(50);
  const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'initializing' } });
  await advance(10);
  expect(session().isStarting).toBe(true);
  return { room, session, settled, agent };
}

describe('CustomTokenSessionProvider: why the agent left', () => {
  it.each([
    [DisconnectReason.PARTICIPANT_REMOVED, 'PARTICIPANT_REMOVED'],
    [DisconnectReason.CONNECTION_TIMEOUT, 'CONNECTION_TIMEOUT'],
  ])('gives agent_failed the reason the agent left with (%s: %s), and the call goes on', async (reason, name) => {
    const { room, session, agent } = await renderAgentCall();

    leaveRemote(room, agent, reason);
    await advance(10);

    expect(session().error).toMatchObject({
      code: 'agent_failed',
      reason: name,
      message: `The agent left the call (${name}): Agent left the room unexpectedly.`,
      failureReasons: ['Agent left the room unexpectedly.'],
    });
    expect(session().isConnected).toBe(true);
  });

  it('keeps agent_failed without a reason when livekit-client gives none (2.20)', async () => {
    const { room, session, agent } = await renderAgentCall();

    leaveRemote(room, agent);
    await advance(10);

    expect(session().error).toMatchObject({
      code: 'agent_failed',
      reason: undefined,
      message: 'The agent left the call: Agent left the room unexpectedly.',
    });
  });

  it.each([
    [DisconnectReason.ROOM_DELETED, 'ROOM_DELETED'],
    [DisconnectReason.SERVER_SHUTDOWN, 'SERVER_SHUTDOWN'],
  ])(
    'reports the room ending for everyone (%s: %s) as disconnected, also when the agent is heard leaving first, and once',
    async (reason, name) => {
      const { room, session, agent, reported } = await renderAgentCall();

      leaveRemote(room, agent, reason);
      await advance(50);
      // Left at once: the room is over for everyone, whether or not the server's own word arrives.
      expect(room.state).toBe('disconnected');
      expect(session().error).toMatchObject({ code: 'disconnected', reason: name });
      await serverDisconnects(room, reason);
      await advance(10);

      expect(session().error).toMatchObject({ code: 'disconnected', reason: name });
      expect(reported.map(({ code, reason: why }) => `${code} ${why}`)).toEqual([`disconnected ${name}`]);
      expect(session().isConnected).toBe(false);
    },
  );

  // An avatar worker (an agent-kind participant publishing on the agent's behalf) leaves with its agent, in either order.
  it("names the agent's own reason when its avatar worker is heard leaving right after it for another", async () => {
    const { room, session, agent } = await renderAgentCall();
    const avatar = joinRemote(room, 'avatar-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.publish_on_behalf': 'agent-1' } });
    await advance(10);

    // Both departures in one batch of the server's participant updates, before React renders again.
    act(() => {
      for (const [who, reason] of [
        [agent, DisconnectReason.PARTICIPANT_REMOVED],
        [avatar, DisconnectReason.CLIENT_INITIATED],
      ] as const) {
        room.remoteParticipants.delete(who.identity);
        room.emit(RoomEvent.ParticipantDisconnected, who, reason);
      }
    });
    await advance(10);

    expect(session().error).toMatchObject({ code: 'agent_failed', reason: 'PARTICIPANT_REMOVED' });
  });

  it('fails a start whose agent joins and leaves before it was ready with "did not become ready", and its reason', async () => {
    const { room, session, settled, agent } = await startWithAgentJoining();

    leaveRemote(room, agent, DisconnectReason.CLIENT_INITIATED);
    await advance(10);

    expect(settled()).toBe(true);
    expect(session().error).toMatchObject({
      code: 'agent_failed',
      reason: 'CLIENT_INITIATED',
      message: 'The agent did not become ready (CLIENT_INITIATED): Agent left the room unexpectedly.',
    });
    expect(room.state).toBe('disconnected');
  });

  it('fails a start whose agent leaves as the room is deleted with disconnected ROOM_DELETED, not agent_failed', async () => {
    const { room, session, settled, agent } = await startWithAgentJoining();

    leaveRemote(room, agent, DisconnectReason.ROOM_DELETED);
    await advance(10);

    expect(settled()).toBe(true);
    expect(session().error).toMatchObject({ code: 'disconnected', reason: 'ROOM_DELETED' });
    expect(room.state).toBe('disconnected');
  });
});
