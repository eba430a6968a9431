import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { decodeTokenPayload, ParticipantKind } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentStatusIndicator } from '../../src/components/AgentStatusIndicator';
import { CameraGrid } from '../../src/components/CameraGrid';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import type { TokenGenerator } from '../../src/core/types';
import { useSessionActions } from '../../src/hooks/useSessionActions';
import { spokenText } from '../helpers/a11y';
import { joinRemote, leaveRemote, publishCamera, roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from '../providers/render';

// Promises of docs/components.md and the README's component list that no other test states as such.

const quiet = { microphone: false } as const;

describe('AgentStatusIndicator after a session that failed for its agent', () => {
  it('keeps "failed" and its reasons after end(), until the next start() waits for a new agent', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', freshRoomPerSession: true, ...quiet },
      { children: <AgentStatusIndicator /> },
    );
    await settleStartWithAgent(room, () => session().start());
    const status = screen.getByRole('status');
    leaveRemote(room, room.remoteParticipants.get('agent-1')!);
    await waitFor(() => expect(status.getAttribute('data-state')).toBe('failed'));

    await settle(() => session().end());

    expect(session().isConnected).toBe(false);
    expect(status.getAttribute('data-state')).toBe('failed');
    expect(spokenText(status)).toBe('The agent is not in the call Agent left the room unexpectedly.');

    act(() => void session().start());
    await waitFor(() => expect(spokenText(status)).toBe('Waiting for the agent…'));
  });

  it('keeps "failed" after an agent that never came, until the next start()', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', agentConnectTimeoutMs: 1_000, ...quiet },
      { children: <AgentStatusIndicator /> },
    );
    const status = screen.getByRole('status');
    act(() => void session().start());
    await act(() => vi.advanceTimersByTimeAsync(50));
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    expect(status.getAttribute('data-state')).toBe('failed');

    // Long after: nothing but the next start() takes it away.
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(spokenText(status)).toBe('The agent is not in the call Agent did not join the room.');

    act(() => void session().start());
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(spokenText(status)).toBe('Waiting for the agent…');
  });
});

describe('Try again after the agent left the call, with freshRoomPerSession (docs/session-lifecycle.md, "The agent is judged per session")', () => {
  it('joins a new room, waits for its new agent, and is ready once that one listens', async () => {
    const { room, connect } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', freshRoomPerSession: true, ...quiet },
      {
        children: (
          <>
            <AgentStatusIndicator />
            <ErrorNotice />
          </>
        ),
      },
    );
    await settleStartWithAgent(room, () => session().start());
    leaveRemote(room, room.remoteParticipants.get('agent-1')!);
    const retry = await within(await screen.findByRole('alert')).findByRole('button', { name: 'Try again' });
    // The agent leaving does not end the call.
    expect(session().isConnected).toBe(true);

    fireEvent.click(retry);
    await waitFor(() => expect(connect).toHaveBeenCalledTimes(2));
    const status = screen.getByRole('status');
    await waitFor(() => expect(spokenText(status)).toBe('Waiting for the agent…'));
    expect(session().isStarting).toBe(true);
    joinRemote(room, 'agent-2', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });

    await waitFor(() => expect(session()).toMatchObject({ isStarting: false, isConnected: true, error: null }));
    expect(spokenText(status)).toBe('Agent is listening');
    expect(screen.queryByRole('alert')).toBeNull();
    const roomOf = (call: number) => decodeTokenPayload(connect.mock.calls[call]![1]).video?.room;
    expect(roomOf(1)).not.toBe(roomOf(0));
    expect(roomOf(1)).toMatch(/^support-/);
    await settle(() => session().end());
  });
});

describe('AgentStatusIndicator in a call without an agent', () => {
  it('keeps waiting for one', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'standup', ...quiet },
      { children: <AgentStatusIndicator /> },
    );
    act(() => void session().start());
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(session()).toMatchObject({ isConnected: true, error: null });
    expect(spokenText(screen.getByRole('status'))).toBe('Waiting for the agent…');
  });
});

describe('CameraGrid after a call', () => {
  it('shows its empty content again once the session ended: no tile of anyone from the call', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'standup', ...quiet },
      { children: <CameraGrid empty={<p>Connect to join the call.</p>} /> },
    );
    expect(screen.getByText('Connect to join the call.')).toBeTruthy();
    await settle(() => session().start());
    publishCamera(room, joinRemote(room, 'bob', { name: 'Bob' }));
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Cameras' })).getAllByRole('listitem')).toHaveLength(2));

    await settle(() => session().end());

    expect(screen.queryByRole('list')).toBeNull();
    expect(screen.getByText('Connect to join the call.')).toBeTruthy();
  });
});

describe('ErrorNotice going away after Try again', () => {
  it('returns the focus where the user was before the error, not to the next control', async () => {
    const generator = tokenGenerator();
    generator.mockRejectedValueOnce(Object.assign(new Error('unavailable'), { status: 503 }));
    function JoinButton() {
      const { start } = useSessionActions();
      return <button onClick={() => void start()}>Join</button>;
    }
    const { session } = renderSession(
      { generator, room: roomWithoutServer().room, roomName: 'standup', retries: 0, ...quiet },
      {
        children: (
          <>
            <JoinButton />
            <ErrorNotice />
            <button>Next</button>
          </>
        ),
      },
    );
    const join = screen.getByRole('button', { name: 'Join' });
    join.focus();
    fireEvent.click(join);
    const retry = await within(await screen.findByRole('alert')).findByRole('button', { name: 'Try again' });
    retry.focus();

    fireEvent.click(retry);

    await waitFor(() => expect(session().isConnected).toBe(true));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.activeElement).toBe(join);
  });
});

describe('ErrorNotice for a camera, microphone or screen share that could not start', () => {
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'mediaDevices');
  });
  const renderWithNotice = (devices: { camera?: boolean; microphone?: boolean; screenShare?: boolean }) =>
    renderSession(
      { generator: tokenGenerator(), room: roomWithoutServer().room, roomName: 'standup', ...devices },
      { children: <ErrorNotice action={<a href="/help/devices">Get help</a>} /> },
    );

  // README: "**Try again** only where retrying can help, your `action` where it cannot"; a page without
  // media devices and a browser that cannot share the screen are `media_failed`, "`Other`, not `retryable`".
  it.each([
    ['the camera on a page without media devices (not HTTPS, not localhost)', { camera: true, microphone: false }, undefined],
    ['the microphone on a page without media devices', { microphone: true }, undefined],
    ['the screen share in a browser that cannot share the screen', { microphone: false, screenShare: true }, { getUserMedia: vi.fn() }],
    [
      'a camera the browser blocks (PermissionDenied)',
      { camera: true, microphone: false },
      {
        getUserMedia: vi.fn(async () => {
          throw new DOMException('Permission denied', 'NotAllowedError');
        }),
      },
    ],
  ])('offers the app’s action, not Try again, for %s: starting again cannot help', async (_, devices, mediaDevices) => {
    if (mediaDevices) {
      Object.defineProperty(navigator, 'mediaDevices', {
        configurable: true,
        value: { ...mediaDevices, enumerateDevices: async () => [] },
      });
    }
    const { session } = renderWithNotice(devices);
    await settle(() => session().start());
    expect(session().error).toMatchObject({ code: 'media_failed', retryable: false });
    const alert = await screen.findByRole('alert');
    expect(within(alert).queryByRole('button', { name: 'Try again' })).toBeNull();
    expect(within(alert).getByRole('link', { name: 'Get help' })).toBeTruthy();
  });

  it('offers Try again for a screen share whose picker was cancelled: starting again opens it again', async () => {
    const getDisplayMedia = vi.fn(async () => {
      throw new DOMException('Permission denied', 'NotAllowedError');
    });
    Object.defineProperty(navigator, 'mediaDevices', {
      configurable: true,
      value: { getUserMedia: vi.fn(), getDisplayMedia, enumerateDevices: async () => [] },
    });
    const { session } = renderWithNotice({ microphone: false, screenShare: true });
    await settle(() => session().start());
    expect(session().error).toMatchObject({ code: 'media_failed', retryable: true });
    expect(within(await screen.findByRole('alert')).getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('heads a screen share that could not start with a headline that names it, not only the camera and the microphone', async () => {
    Object.defineProperty(navigator, 'mediaDevices', {
      configurable: true,
      value: {
        getUserMedia: vi.fn(),
        getDisplayMedia: vi.fn(async () => {
          throw new DOMException('Permission denied', 'NotAllowedError');
        }),
        enumerateDevices: async () => [],
      },
    });
    const { session } = renderWithNotice({ microphone: false, screenShare: true });
    await settle(() => session().start());
    // The alert's headline, read first: "Your camera or microphone could not start" was false here (neither was asked for).
    const title = (await screen.findByRole('alert')).querySelector('.lk-ctr-error-notice-title')!.textContent;
    expect(title).toMatch(/screen share/i);
  });
});

// README: ErrorNotice offers "**Try again** only where retrying can help, your `action` … where it cannot", and
// TokenStatusView "**Fetch the token again** (none for `invalid_options`, … nor for a provider given no generator)".
// A generator that rejects with no reason (`Promise.reject()`, a callback API's bare `reject()`) is the app's
// code failing, which may answer otherwise next time — not a provider given no generator.
describe('a generator that rejects with no reason', () => {
  it('offers Try again and Fetch the token again, as for any other generator failure', async () => {
    let failing = true;
    const working = tokenGenerator();
    const generator: TokenGenerator = (request, context) =>
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the failure under test
      failing ? Promise.reject() : working(request, context);
    const { session } = renderSession(
      { generator, room: roomWithoutServer().room, roomName: 'standup', ...quiet },
      {
        children: (
          <>
            <ErrorNotice action={<a href="/setup">Set the token endpoint</a>} />
            <TokenStatusView />
          </>
        ),
      },
    );
    await settle(() => session().start());
    expect(session().error).toMatchObject({ code: 'generator_failed' });

    const alert = await screen.findByRole('alert');
    expect(within(alert).queryByRole('link', { name: 'Set the token endpoint' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Fetch the token again' })).toBeTruthy();
    failing = false;
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(session()).toMatchObject({ isConnected: true, error: null }));
    await settle(() => session().end());
  });
});

/** Starts the session and lets its agent join and listen as `agent-1`; resolves once start() settled. */
async function settleStartWithAgent(room: ReturnType<typeof roomWithoutServer>['room'], start: () => Promise<void>) {
  let settled = false;
  act(() => void start().then(() => (settled = true)));
  await waitFor(() => expect(room.state).toBe('connected'));
  joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
  await waitFor(() => expect(settled).toBe(true));
}

describe('the stylesheet’s custom properties (docs/components.md, "Theming")', () => {
  // From the repository's root, where vitest runs.
  const read = (path: string) => readFileSync(join(process.cwd(), path), 'utf8');
  /** `#fff` and `#ffffff` are one colour. */
  const normalise = (value: string) =>
    value
      .trim()
      .toLowerCase()
      .replace(/^#([0-9a-f])([0-9a-f])([0-9a-f])$/, '#$1$1$2$2$3$3');
  const rootRule = /:root\s*\{([^}]*)\}/.exec(read('src/styles.css'))![1]!;
  const defaults = new Map([...rootRule.matchAll(/(--lk-ctr-[\w-]+):\s*([^;]+);/g)].map(([, name, value]) => [name!, normalise(value!)]));
  const theming = read('docs/components.md').split('## Theming')[1]!.split('\n## ')[0]!;
  const rows = theming
    .split('\n')
    .filter((line) => line.startsWith('| `--lk-ctr-'))
    .map((line) => line.split('|').map((cell) => cell.trim()));

  it('has each documented default, in the order the table lists them, and leaves unset what it says is unset', () => {
    expect(rows.length).toBeGreaterThan(5);
    for (const [, names, values] of rows) {
      const properties = [...names!.matchAll(/`(--lk-ctr-[\w-]+)`/g)].map(([, name]) => name!);
      const documented = [...values!.matchAll(/`([^`]+)`|unset|system UI stack/g)].map(([match, value]) => value ?? match);
      expect(documented, names).toHaveLength(properties.length);
      properties.forEach((property, index) => {
        const value = documented[index]!;
        if (value === 'unset') expect(defaults.has(property), property).toBe(false);
        else if (value === 'system UI stack') expect(defaults.get(property), property).toMatch(/^system-ui\b/);
        else expect(defaults.get(property), property).toBe(normalise(value));
      });
    }
  });

  it('documents every custom property it sets on :root', () => {
    const documented = new Set(rows.flatMap(([, names]) => [...names!.matchAll(/`(--lk-ctr-[\w-]+)`/g)].map(([, name]) => name!)));
    expect([...defaults.keys()].filter((name) => !documented.has(name))).toEqual([]);
  });
});
