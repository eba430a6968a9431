import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import fc from 'fast-check';
import { ParticipantKind } from 'livekit-client';
import * as React from 'react';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { AgentStatusIndicator } from '../../src/components/AgentStatusIndicator';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { spokenText } from '../helpers/a11y';
import { joinRemote, leaveRemote, roomWithoutServer, setAttributes, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from '../providers/render';
import { propertyRuns } from '../helpers/propertyRuns';

const quiet = { microphone: false } as const;

/** The live regions on the page (alerts, status lines, anything `aria-live` but off) and what each says. */
function liveRegions(): string[] {
  return Array.from(document.querySelectorAll('[role="alert"], [role="status"], [aria-live="polite"], [aria-live="assertive"]'))
    .filter((element) => element.getAttribute('aria-live') !== 'off')
    .map(spokenText);
}

/** Runs of the property (15); raise them and pick the seed to explore: `ANNOUNCEMENTS_PROPERTY_RUNS=150 ANNOUNCEMENTS_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('ANNOUNCEMENTS_PROPERTY', 15);

describe('a token error on the call screen (ErrorNotice beside TokenStatusView)', () => {
  it('is announced once: by the alert, not again by the token status line', async () => {
    const generator = tokenGenerator();
    generator.mockRejectedValueOnce(Object.assign(new Error('Service unavailable.'), { status: 503 }));
    const { session } = renderSession(
      { generator, room: roomWithoutServer().room, roomName: 'standup', retries: 0, prefetch: false, ...quiet },
      {
        children: (
          <>
            <ErrorNotice />
            <TokenStatusView />
          </>
        ),
      },
    );
    // Every text the token status line has had, from before the failure on: a polite region announces each.
    const statusLine = within(screen.getByRole('region', { name: 'Token status' })).getByRole('status');
    const said: string[] = [];
    const observer = new MutationObserver(() => said.push(spokenText(statusLine)));
    observer.observe(statusLine, { subtree: true, childList: true, characterData: true });
    onTestFinished(() => observer.disconnect());

    await settle(() => session().start());
    expect(said.filter((text) => text.includes('Service unavailable.'))).toEqual([]);
    expect(screen.getByRole('alert').textContent).toContain('Service unavailable.');
    // Still on screen, in the token panel.
    expect(screen.getByRole('region', { name: 'Token status' }).textContent).toContain('Service unavailable.');

    expect(liveRegions().filter((text) => text.includes('Service unavailable.'))).toHaveLength(1);
  });

  it('is not announced again by the status line when the ErrorNotice that announced it goes away', async () => {
    const generator = tokenGenerator();
    generator.mockRejectedValueOnce(Object.assign(new Error('Service unavailable.'), { status: 503 }));
    let showNotice!: (show: boolean) => void;
    function DismissableNotice() {
      const [shown, setShown] = React.useState(true);
      showNotice = setShown;
      return shown ? <ErrorNotice /> : null;
    }
    const { session } = renderSession(
      { generator, room: roomWithoutServer().room, roomName: 'standup', retries: 0, prefetch: false, ...quiet },
      {
        children: (
          <>
            <DismissableNotice />
            <TokenStatusView />
          </>
        ),
      },
    );
    const statusLine = within(screen.getByRole('region', { name: 'Token status' })).getByRole('status');
    const said: string[] = [];
    const observer = new MutationObserver(() => said.push(spokenText(statusLine)));
    observer.observe(statusLine, { subtree: true, childList: true, characterData: true });
    onTestFinished(() => observer.disconnect());

    await settle(() => session().start());
    expect(screen.getByRole('alert').textContent).toContain('Service unavailable.');
    // The user dismisses the alert, which has said it: the error is still the session's, and still shown.
    act(() => showNotice(false));
    expect(screen.getByRole('region', { name: 'Token status' }).textContent).toContain('Service unavailable.');
    await act(() => Promise.resolve()); // the observer's records
    expect(said.filter((text) => text.includes('Service unavailable.'))).toEqual([]);
    expect(spokenText(statusLine)).not.toContain('Service unavailable.');
  });

  it('is announced by the status line when no ErrorNotice shows it: a failed fetch again from the token panel', async () => {
    const generator = tokenGenerator();
    generator.mockRejectedValueOnce(Object.assign(new Error('Service unavailable.'), { status: 503 }));
    generator.mockRejectedValueOnce(Object.assign(new Error('Still unavailable.'), { status: 503 }));
    const { session } = renderSession(
      { generator, room: roomWithoutServer().room, roomName: 'standup', retries: 0, prefetch: false, ...quiet },
      {
        children: (
          <>
            <ErrorNotice />
            <TokenStatusView />
          </>
        ),
      },
    );
    await settle(() => session().start());
    const view = screen.getByRole('region', { name: 'Token status' });
    act(() => within(view).getByRole('button', { name: 'Fetch the token again' }).click());

    // The session's error (the alert) is still the first; the token panel's new one is its own to announce.
    await waitFor(() => expect(spokenText(within(view).getByRole('status'))).toContain('Still unavailable.'));
    expect(liveRegions().filter((text) => text.includes('Still unavailable.'))).toHaveLength(1);
  });
});

/** The default labels, as the indicator shows them. */
const LABELS = {
  listening: 'Agent is listening',
  thinking: 'Agent is thinking…',
  speaking: 'Agent is speaking',
  idle: 'Agent is idle',
  initializing: 'The agent is getting ready…',
} as const;
type AgentTurnOrSetup = keyof typeof LABELS;
const TURNS: ReadonlySet<string> = new Set(['listening', 'thinking', 'speaking', 'idle']);

describe('AgentStatusIndicator during a conversation', () => {
  it('announces the agent getting ready and then ready, not each turn; the visible text follows every state', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<AgentTurnOrSetup>('listening', 'thinking', 'speaking', 'idle', 'initializing'), {
          minLength: 1,
          maxLength: 8,
        }),
        async (states) => {
          const { room } = roomWithoutServer();
          const { session } = renderSession(
            { generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', agentConnectTimeoutMs: 600_000, ...quiet },
            { children: <AgentStatusIndicator /> },
          );
          try {
            act(() => void session().start());
            const status = screen.getByRole('status');
            await waitFor(() => expect(status.getAttribute('data-state')).toBe('connecting'));
            const [first, ...rest] = states;
            const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': first! } });
            // What the live region should say: the state, except that a turn after a turn says nothing new.
            let expected: string = LABELS[first!];
            let previous: string = first!;
            const check = async (state: AgentTurnOrSetup) => {
              await waitFor(() => expect(status.getAttribute('data-state')).toBe(state));
              expect(status.querySelector('.lk-ctr-agent-status-label')?.textContent, 'visible').toBe(LABELS[state]);
              expect(spokenText(status), `announced after ${states.join(' → ')}`).toBe(expected);
            };
            await check(first!);
            for (const state of rest) {
              if (!(TURNS.has(state) && TURNS.has(previous))) expected = LABELS[state];
              previous = state;
              setAttributes(room, agent, { 'lk.agent.state': state });
              await check(state);
            }
          } finally {
            cleanup();
          }
        },
      ),
      { numRuns: RUNS, ...seed },
    );
  });
});

/** The call screen of docs/components.md, as far as the agent goes: the alert and the agent status; what the status announces. */
function renderAgentCallScreen(agentConnectTimeoutMs: number) {
  const { room } = roomWithoutServer();
  const { session } = renderSession(
    { generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', agentConnectTimeoutMs, ...quiet },
    {
      children: (
        <>
          <ErrorNotice />
          <AgentStatusIndicator />
        </>
      ),
    },
  );
  // Its text at each change, while it is a live region (not aria-live="off").
  const status = screen.getByRole('status');
  const said: string[] = [];
  const observer = new MutationObserver(() => {
    if (status.getAttribute('aria-live') !== 'off') said.push(spokenText(status));
  });
  observer.observe(status, { subtree: true, childList: true, characterData: true, attributes: true });
  onTestFinished(() => observer.disconnect());
  return { room, session, status, said };
}

const failureWords = (said: string[]) =>
  said.filter((text) => text.includes('not in the call') || text.includes('Agent did not') || text.includes('Agent left'));

describe('the agent failing on the call screen (ErrorNotice beside AgentStatusIndicator, as in docs/components.md)', () => {
  it('is announced once when the agent never came: by the alert, not again by the agent status, which shows it and announces the next session', async () => {
    vi.useFakeTimers();
    try {
      const { session, status, said } = renderAgentCallScreen(1_000);
      act(() => void session().start());
      await act(() => vi.advanceTimersByTimeAsync(50));
      await act(() => vi.advanceTimersByTimeAsync(1_000));
      expect(session().error?.code).toBe('agent_failed');
      expect(screen.getByRole('alert').textContent).toContain('The agent is not in the call');
      // Shown, not announced a second time.
      expect(status.getAttribute('data-state')).toBe('failed');
      expect(status.textContent).toContain('Agent did not join the room.');
      expect(failureWords(said)).toEqual([]);

      // The next session's wait is announced as before.
      act(() => void session().start());
      await act(() => vi.advanceTimersByTimeAsync(50));
      expect(said.at(-1)).toBe('Waiting for the agent…');
    } finally {
      vi.useRealTimers();
    }
  });

  it('is announced once when the agent left mid-call: by the alert, not again by the agent status', async () => {
    const { room, session, status, said } = renderAgentCallScreen(600_000);
    act(() => void session().start());
    await waitFor(() => expect(session().isConnected).toBe(true));
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await waitFor(() => expect(said.at(-1)).toBe('Agent is listening'));

    leaveRemote(room, agent);

    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Agent left the room unexpectedly.'));
    await waitFor(() => expect(status.textContent).toContain('Agent left the room unexpectedly.'));
    expect(failureWords(said)).toEqual([]);
  });
});

describe('TokenStatusView countdown', () => {
  it('reads the time left with its units, as a duration, and the status line does not announce each second', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-30T10:00:00Z') });
    try {
      renderSession(
        { generator: tokenGenerator({ identity: 'alice', ttl: 65 }), room: roomWithoutServer().room, roomName: 'standup', ...quiet },
        { children: <TokenStatusView /> },
      );
      await act(() => vi.advanceTimersByTimeAsync(50));
      const view = screen.getByRole('region', { name: 'Token status' });
      const statusLine = within(view).getByRole('status');
      expect(view.getAttribute('data-status')).toBe('ready');
      const time = view.querySelector('time')!;
      const read = () => [spokenText(time), time.getAttribute('datetime')];
      // 65 s from receipt, less the few fake milliseconds React took to mount the countdown.
      expect([
        ['in 1 minute 5 seconds', 'PT1M5S'],
        ['in 1 minute 4 seconds', 'PT1M4S'],
      ]).toContainEqual(read());
      const announced = spokenText(statusLine);

      await act(() => vi.advanceTimersByTimeAsync(4_000));
      expect([
        ['in 1 minute 1 second', 'PT1M1S'],
        ['in 1 minute', 'PT1M'],
      ]).toContainEqual(read());
      expect(statusLine.contains(time)).toBe(false);
      expect(spokenText(statusLine)).toBe(announced);
    } finally {
      vi.useRealTimers();
    }
  });
});
