import { act, screen, waitFor } from '@testing-library/react';
import { DisconnectReason, ParticipantKind } from 'livekit-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AgentStatusIndicator } from '../../src/components/AgentStatusIndicator';
import { ConnectButton } from '../../src/components/ConnectButton';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import { spokenText } from '../helpers/a11y';
import { joinRemote, leaveRemote, roomWithoutServer, serverDisconnects, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from '../providers/render';

const quiet = { microphone: false } as const;

/** A call with a listening agent, the agent status beside the connect button and the alert; every text the status region has had. */
async function callWithAgent() {
  const { room } = roomWithoutServer();
  const { session } = renderSession(
    { generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', agentConnectTimeoutMs: 600_000, ...quiet },
    {
      children: (
        <>
          <ConnectButton />
          <ErrorNotice />
          <AgentStatusIndicator />
        </>
      ),
    },
  );
  act(() => void session().start());
  joinRemote(room, 'agent-AJ_1', { kind: ParticipantKind.AGENT, name: 'Helper', attributes: { 'lk.agent.state': 'listening' } });
  const status = screen.getByRole('status');
  await waitFor(() => expect(spokenText(status)).toBe('Agent is listening'));
  await waitFor(() => expect(session().isConnected).toBe(true));
  const said: string[] = [];
  const observer = new MutationObserver(() => {
    if (status.getAttribute('aria-live') !== 'off') said.push(spokenText(status));
  });
  observer.observe(status, { subtree: true, childList: true, characterData: true, attributes: true });
  onTestFinished(() => observer.disconnect());
  return { room, session, status, said, agent: room.remoteParticipants.get('agent-AJ_1')! };
}

/*
 * The agent goes with the call when the user leaves, and when LiveKit ends the room for everyone
 * (deleted, its server stopping), where the server may tell of the agent's departure before
 * ours: the agent status then announces no failure of the agent; the alert says why the call ended.
 */
const failureWords = (said: string[]) => said.filter((text) => /not in the call|Agent did not|Agent left/.test(text));

describe('AgentStatusIndicator as a call with an agent ends', () => {
  it('says nothing of a failure when the user leaves: the agent going with the room is no failure', async () => {
    const { session, status, said } = await callWithAgent();
    act(() => screen.getByRole('button', { name: 'Disconnect' }).click());
    await waitFor(() => expect(session().isConnected).toBe(false));
    await settle(() => Promise.resolve());
    expect(said.length).toBeGreaterThan(0);
    expect(failureWords(said)).toEqual([]);
    expect(spokenText(status)).toBe('');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it.each([DisconnectReason.ROOM_DELETED, DisconnectReason.PARTICIPANT_REMOVED, DisconnectReason.SERVER_SHUTDOWN])(
    'leaves a call LiveKit ended (reason %i) to the alert: no agent failure announced beside it',
    async (reason) => {
      const { room, status, said } = await callWithAgent();
      await serverDisconnects(room, reason);
      await waitFor(() => expect(screen.getByRole('alert').getAttribute('data-code')).toBe('disconnected'));
      await settle(() => Promise.resolve());
      expect(failureWords(said)).toEqual([]);
      expect(spokenText(status)).toBe('');
    },
  );

  it.each([DisconnectReason.ROOM_DELETED, DisconnectReason.SERVER_SHUTDOWN])(
    'leaves a call LiveKit ended (reason %i) to the alert also when the agent is heard leaving first, as the server tells it',
    async (reason) => {
      const { room, status, said, agent } = await callWithAgent();
      leaveRemote(room, agent, reason);
      await settle(() => Promise.resolve());
      await serverDisconnects(room, reason);
      await waitFor(() => expect(screen.getByRole('alert').getAttribute('data-code')).toBe('disconnected'));
      await settle(() => Promise.resolve());
      expect(failureWords(said)).toEqual([]);
      expect(spokenText(status)).toBe('');
    },
  );

  it('says the next session’s agent failed when it leaves that call on its own: the room that ended before is forgotten', async () => {
    const { room, session, status, agent } = await callWithAgent();
    leaveRemote(room, agent, DisconnectReason.ROOM_DELETED);
    await serverDisconnects(room, DisconnectReason.ROOM_DELETED);
    await waitFor(() => expect(screen.getByRole('alert').getAttribute('data-code')).toBe('disconnected'));

    act(() => void session().start());
    const next = joinRemote(room, 'agent-AJ_2', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await waitFor(() => expect(spokenText(status)).toBe('Agent is listening'));
    leaveRemote(room, next, DisconnectReason.CLIENT_INITIATED);
    await waitFor(() => expect(status.getAttribute('data-state')).toBe('failed'));
    expect(status.textContent).toContain('Agent left the room unexpectedly.');
  });
});
