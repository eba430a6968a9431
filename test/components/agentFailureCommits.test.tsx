import { act, screen, waitFor } from '@testing-library/react';
import { DisconnectReason, ParticipantKind } from 'livekit-client';
import * as React from 'react';
import { describe, expect, it } from 'vitest';
import { AgentStatusIndicator } from '../../src/components/AgentStatusIndicator';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import { useAgentStatus } from '../../src/hooks/useAgentStatus';
import { useSessionState } from '../../src/hooks/useSessionState';
import { spokenText } from '../helpers/a11y';
import { joinRemote, leaveRemote, roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession } from '../providers/render';

/*
 * What the page holds at the end of each React commit: a browser may paint it, and a screen reader
 * hear a live region's change, before the next commit. (A session's error is recorded in an
 * effect after the commit that showed why, which in a browser runs after that paint.)
 */

/** Reads the agent status region after every commit that changed the agent or the session (a layout effect: before any passive one). */
function CommitProbe({ seen }: { seen: { live: string | null; text: string }[] }) {
  useAgentStatus();
  useSessionState();
  React.useLayoutEffect(() => {
    const status = document.querySelector('.lk-ctr-agent-status');
    if (status) seen.push({ live: status.getAttribute('aria-live'), text: spokenText(status) });
  });
  return null;
}

/** A call screen (the alert and the agent status) with a probe of every commit; `agentName` dispatches an agent. */
function callScreen(agentName?: string) {
  const seen: { live: string | null; text: string }[] = [];
  const { room } = roomWithoutServer();
  const { session } = renderSession(
    { generator: tokenGenerator(), room, roomName: 'support', agentName, agentConnectTimeoutMs: 600_000, microphone: false },
    {
      children: (
        <>
          <ErrorNotice />
          <AgentStatusIndicator />
          <CommitProbe seen={seen} />
        </>
      ),
    },
  );
  act(() => void session().start());
  return { room, session, seen };
}

describe('the agent leaving a call with an ErrorNotice on the page, commit by commit', () => {
  it.each([
    ['on its own', DisconnectReason.CLIENT_INITIATED],
    ['removed', DisconnectReason.PARTICIPANT_REMOVED],
  ])('never holds the failure in the agent status as a live region: the alert alone announces it (%s)', async (_how, reason) => {
    const { room, session, seen } = callScreen('helper');
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await waitFor(() => expect(session().isConnected).toBe(true));
    seen.length = 0;

    leaveRemote(room, agent, reason);

    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Agent left the room unexpectedly.'));
    const failures = seen.filter(({ text }) => /not in the call|Agent left/.test(text));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.filter(({ live }) => live !== 'off')).toEqual([]);
  });

  it('announces the failure itself when the session did not dispatch the agent: no alert will', async () => {
    const { room, session, seen } = callScreen();
    await waitFor(() => expect(session().isConnected).toBe(true));
    // An agent the session did not ask for (dispatched to every room by the server, say).
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await waitFor(() => expect(seen.at(-1)?.text).toBe('Agent is listening'));

    leaveRemote(room, agent, DisconnectReason.CLIENT_INITIATED);

    const status = screen.getByRole('status');
    await waitFor(() => expect(spokenText(status)).toBe('The agent is not in the call Agent left the room unexpectedly.'));
    // Polite all along: the change is announced.
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(seen.filter(({ live }) => live !== 'polite')).toEqual([]);
    expect(session().error).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
