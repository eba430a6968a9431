import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ConnectionError, ConnectionState, ParticipantKind, Room, RoomEvent } from 'livekit-client';
import { describe, expect, it, vi } from 'vitest';
import { AgentStatusIndicator } from '../../src/components/AgentStatusIndicator';
import { CameraGrid } from '../../src/components/CameraGrid';
import { ConnectButton } from '../../src/components/ConnectButton';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { CustomTokenError } from '../../src/core/errors';
import { SessionActionsContext } from '../../src/context/SessionActionsContext';
import { SessionStateContext, type SessionState } from '../../src/context/SessionStateContext';
import { playableVideo } from '../helpers/media';
import { joinRemote, publishCamera, roomWithoutServer, subscribeCamera, tokenGenerator } from '../helpers/room';
import { spokenText } from '../helpers/a11y';
import { renderSession, settle } from '../providers/render';

const quiet = { microphone: false } as const;

describe('ConnectButton while connecting', () => {
  it('is named "Cancel connecting", and a click cancels', async () => {
    const room = new Room();
    let connected!: () => void;
    // The token is in hand; LiveKit's connection completes when the test says (or is cut off by a disconnect).
    vi.spyOn(room, 'connect').mockImplementation(async () => {
      room['setAndEmitConnectionState'](ConnectionState.Connecting);
      const cutOff = new Promise((resolve) => room.once(RoomEvent.Disconnected, resolve)).then(() => {
        throw ConnectionError.cancelled('Client initiated disconnect');
      });
      await Promise.race([new Promise<void>((resolve) => (connected = resolve)), cutOff]);
      room['setAndEmitConnectionState'](ConnectionState.Connected);
    });
    renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet }, { children: <ConnectButton /> });

    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    const button = await screen.findByRole('button', { name: 'Cancel connecting' });
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect((button as HTMLButtonElement).disabled).toBe(false);

    fireEvent.click(button);
    // The connect under way is left to finish, then left (see startSession): the button says so meanwhile.
    await screen.findByRole('button', { name: 'Disconnecting…' });
    act(() => connected());
    await screen.findByRole('button', { name: 'Connect' });
    expect(room.state).toBe('disconnected');
  });
});

describe('AgentStatusIndicator around a session', () => {
  it('says nothing before a session, waits for the agent while starting, and says nothing after the end', async () => {
    const { room } = roomWithoutServer();
    const generator = tokenGenerator();
    let release: () => void = () => {};
    generator.mockImplementationOnce(async (request, context) => {
      await new Promise<void>((resolve) => (release = resolve));
      return tokenGenerator()(request, context);
    });
    const { session } = renderSession(
      { generator, room, roomName: 'support', agentName: 'helper', agentConnectTimeoutMs: 600_000, ...quiet },
      { children: <AgentStatusIndicator /> },
    );
    const status = screen.getByRole('status');
    expect(spokenText(status)).toBe('');

    act(() => void session().start());
    await waitFor(() => expect(spokenText(status)).toBe('Waiting for the agent…'));
    expect(status.getAttribute('data-state')).toBe('connecting');

    release();
    const agent = joinRemote(room, 'agent-AJ_Dw47d7ChZryK', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await waitFor(() => expect(spokenText(status)).toBe('Agent is listening'));
    void agent;

    await settle(() => session().end());
    expect(spokenText(status)).toBe('');
  });
});

describe('CameraGrid layout', () => {
  it('labels an agent tile with its name, else "Agent" — never its identity', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet }, { children: <CameraGrid /> });
    await settle(() => session().start());
    publishCamera(room, joinRemote(room, 'agent-AJ_Dw47d7ChZryK', { kind: ParticipantKind.AGENT }));
    publishCamera(room, joinRemote(room, 'agent-Zq1', { kind: ParticipantKind.AGENT, name: 'Avatar' }));

    const grid = await screen.findByRole('list', { name: 'Cameras' });
    await waitFor(() => expect(within(grid).getAllByRole('listitem')).toHaveLength(3));
    expect(grid.textContent).not.toContain('agent-AJ_Dw47d7ChZryK');
    expect(within(grid).getByText('Agent').closest('li')?.hasAttribute('data-agent')).toBe(true);
    expect(within(grid).getByText('Avatar')).toBeTruthy();
  });

  it.each([
    [1, 1],
    [2, 2],
    [4, 2],
    [5, 3],
    [9, 3],
    [10, 4],
    [12, 4],
    [16, 4],
  ])('lays %i tiles out in %i columns', async (count, columns) => {
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet }, { children: <CameraGrid /> });
    await settle(() => session().start());
    for (let index = 0; index < count - 1; index++) joinRemote(room, `person-${index}`, { name: `Person ${index}` });

    const grid = await screen.findByRole('list', { name: 'Cameras' });
    await waitFor(() => expect(within(grid).getAllByRole('listitem')).toHaveLength(count));
    expect(grid.style.getPropertyValue('--lk-ctr-columns')).toBe(String(columns));
  });

  it('puts the agent first and marks its tile when asked to emphasise it', async () => {
    playableVideo();
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'standup', ...quiet },
      { children: <CameraGrid emphasizeAgent /> },
    );
    await settle(() => session().start());
    joinRemote(room, 'bob', { name: 'Bob' });
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, name: 'Helper' });
    subscribeCamera(room, agent, publishCamera(room, agent));

    const grid = await screen.findByRole('list', { name: 'Cameras' });
    await waitFor(() => expect(within(grid).getAllByRole('listitem')).toHaveLength(3));
    const [first] = within(grid).getAllByRole('listitem');
    expect(first?.textContent).toBe('Helper');
    expect(first?.hasAttribute('data-emphasized')).toBe(true);
  });
});

describe('TokenStatusView in error', () => {
  it('shows the message, the code and a retry that fetches again', async () => {
    const generator = tokenGenerator({ identity: 'alice' });
    generator.mockRejectedValueOnce(Object.assign(new Error('Sign in first.'), { status: 401 }));
    renderSession(
      { generator, room: roomWithoutServer().room, roomName: 'standup', retries: 0, ...quiet },
      { children: <TokenStatusView /> },
    );

    const view = screen.getByRole('region', { name: 'Token status' });
    await waitFor(() => expect(view.getAttribute('data-status')).toBe('error'));
    expect(view.textContent).toContain('Sign in first.');
    expect(within(view).getByText('http 401')).toBeTruthy();

    fireEvent.click(within(view).getByRole('button', { name: 'Fetch the token again' }));

    await waitFor(() => expect(view.getAttribute('data-status')).toBe('ready'));
    expect(within(view).getByText('alice')).toBeTruthy();
  });

  it('announces why, not only "Token error": the message is in the live region, which takes the focus back from the retry', async () => {
    const generator = tokenGenerator();
    generator.mockRejectedValueOnce(Object.assign(new Error('Sign in first.'), { status: 401 }));
    generator.mockRejectedValueOnce(Object.assign(new Error('Still signed out.'), { status: 401 }));
    renderSession(
      { generator, room: roomWithoutServer().room, roomName: 'standup', retries: 0, ...quiet },
      { children: <TokenStatusView /> },
    );
    const view = screen.getByRole('region', { name: 'Token status' });
    await waitFor(() => expect(view.getAttribute('data-status')).toBe('error'));
    const liveRegion = within(view).getByRole('status');
    expect(liveRegion.getAttribute('aria-live')).toBe('polite');
    expect(liveRegion.textContent).toBe('Token errorThe token generator failed with HTTP 401: Sign in first.');

    const retry = within(view).getByRole('button', { name: 'Fetch the token again' });
    retry.focus();
    fireEvent.click(retry);
    await waitFor(() => expect(liveRegion.textContent).toBe('Token errorThe token generator failed with HTTP 401: Still signed out.'));
    expect(document.activeElement).toBe(liveRegion);
  });
});

describe("ErrorNotice beside TokenStatusView (the README's call screen)", () => {
  it('gives their two retries different names: one starts the session again, the other fetches the token again', async () => {
    const generator = tokenGenerator();
    generator.mockRejectedValueOnce(Object.assign(new Error('unavailable'), { status: 503 }));
    const { session } = renderSession(
      { generator, room: roomWithoutServer().room, roomName: 'standup', retries: 0, ...quiet },
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
    const names = screen.getAllByRole('button').map((button) => button.textContent);
    expect(names).toEqual(['Try again', 'Fetch the token again']);
  });
});

describe('ErrorNotice actions', () => {
  const failWith = (error: Error) => {
    const generator = tokenGenerator();
    generator.mockRejectedValue(error);
    return generator;
  };

  it.each([
    ['HTTP 401', Object.assign(new Error('unauthorized'), { status: 401 })],
    ['HTTP 403', Object.assign(new Error('forbidden'), { status: 403 })],
    ['a token for another room', new CustomTokenError('mismatch', 'The token is for room "b", not "a".')],
    ['fetch options of the wrong type', new CustomTokenError('invalid_options', 'Token fetch option `roomName` must be a string.')],
  ])('offers no retry for %s, and shows the action the app supplies', async (_label, error) => {
    const { session } = renderSession(
      { generator: failWith(error), room: roomWithoutServer().room, roomName: 'standup', retries: 0, ...quiet },
      { children: <ErrorNotice action={<a href="/sign-in">Sign in</a>} /> },
    );
    await settle(() => session().start());
    const alert = screen.getByRole('alert');
    expect(within(alert).queryByRole('button', { name: 'Try again' })).toBeNull();
    expect(within(alert).getByRole('link', { name: 'Sign in' })).toBeTruthy();
  });

  it.each([408, 429])('offers a retry, not the action, for HTTP %i: the same request may pass later', async (status) => {
    const { session } = renderSession(
      {
        generator: failWith(Object.assign(new Error('later'), { status })),
        room: roomWithoutServer().room,
        roomName: 'standup',
        retries: 0,
        ...quiet,
      },
      { children: <ErrorNotice action={<a href="/sign-in">Sign in</a>} /> },
    );
    await settle(() => session().start());
    const alert = screen.getByRole('alert');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
    expect(within(alert).queryByRole('link')).toBeNull();
  });

  it('gives an action function the error, and shows the headline the app gives for its code', async () => {
    const { session } = renderSession(
      {
        generator: failWith(Object.assign(new Error('unauthorized'), { status: 401 })),
        room: roomWithoutServer().room,
        roomName: 'standup',
        retries: 0,
        ...quiet,
      },
      {
        children: (
          <ErrorNotice
            titles={{ http: 'Your session has ended' }}
            action={(error) => (error.status === 401 ? <a href="/sign-in">Sign in</a> : <a href="/help">Help</a>)}
          />
        ),
      },
    );
    await settle(() => session().start());
    const alert = screen.getByRole('alert');
    expect(within(alert).getByText('Your session has ended')).toBeTruthy();
    expect(within(alert).getByRole('link').textContent).toBe('Sign in');
  });

  it('offers a retry for a failure that may pass, and then moves focus to the next control, not to <body>', async () => {
    const generator = tokenGenerator();
    generator.mockRejectedValueOnce(Object.assign(new Error('unavailable'), { status: 503 }));
    const { session } = renderSession(
      { generator, room: roomWithoutServer().room, roomName: 'standup', retries: 0, ...quiet },
      {
        children: (
          <>
            <ErrorNotice action={<a href="/sign-in">Sign in</a>} />
            <ConnectButton />
          </>
        ),
      },
    );
    await settle(() => session().start());
    const retry = within(screen.getByRole('alert')).getByRole('button', { name: 'Try again' });
    expect(within(screen.getByRole('alert')).queryByRole('link')).toBeNull();
    retry.focus();

    fireEvent.click(retry);

    await waitFor(() => expect(session().isConnected).toBe(true));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Disconnect' }));
  });
});

describe('TokenStatusView with an expired token', () => {
  it('says the token expired and offers to get a new one', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-30T10:00:00Z') });
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator({ identity: 'alice', ttl: 120 }), room, roomName: 'standup', ...quiet },
      { children: <TokenStatusView /> },
    );
    act(() => void session().start());
    await act(() => vi.advanceTimersByTimeAsync(50));
    const view = screen.getByRole('region', { name: 'Token status' });
    expect(session().isConnected).toBe(true);
    expect(view.getAttribute('data-status')).toBe('ready');

    // Connected: LiveKit refreshes the live session's token itself, so this one runs out.
    await act(() => vi.advanceTimersByTimeAsync(121_000));

    expect(view.getAttribute('data-status')).toBe('expired');
    expect(within(view).getByRole('status').textContent).toBe('Token expired');
    expect(view.querySelector('time')?.textContent).toBe('expired');
    fireEvent.click(within(view).getByRole('button', { name: 'Get a new token' }));
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(view.getAttribute('data-status')).toBe('ready');
  });
});

describe('focus and names as errors and states change', () => {
  it('keeps the focus off <body> when a new error that retrying cannot help replaces "Try again" with the action', () => {
    // Through the session's context: the provider gives one session one error (its first), so a
    // shown error is replaced only by what feeds the context otherwise.
    const actions = { start: vi.fn(async () => {}), end: vi.fn(async () => {}), restart: vi.fn(async () => {}) };
    const screenWith = (error: CustomTokenError) => (
      <SessionActionsContext.Provider value={actions}>
        <SessionStateContext.Provider
          value={{ connectionState: ConnectionState.Connected, isConnected: true, isStarting: false, isEnding: false, error }}
        >
          <ErrorNotice action={<a href="/help">Help</a>} />
        </SessionStateContext.Provider>
      </SessionActionsContext.Provider>
    );
    const agentLeft = new CustomTokenError('agent_failed', 'The agent left the call: Agent left the room unexpectedly.', {
      failureReasons: ['Agent left the room unexpectedly.'],
    });
    const view = render(screenWith(agentLeft));
    within(screen.getByRole('alert')).getByRole('button', { name: 'Try again' }).focus();

    view.rerender(
      screenWith(
        new CustomTokenError('disconnected', 'LiveKit ended the session (DUPLICATE_IDENTITY).', {
          reason: 'DUPLICATE_IDENTITY',
          retryable: false,
        }),
      ),
    );

    const notice = screen.getByRole('alert');
    expect(notice.getAttribute('data-code')).toBe('disconnected');
    expect(within(notice).queryByRole('button', { name: 'Try again' })).toBeNull();
    expect(document.activeElement).toBe(notice);
  });

  it('moves the focus to the next control that can take it when the notice goes away: not a hidden or inert one', () => {
    const actions = { start: vi.fn(async () => {}), end: vi.fn(async () => {}), restart: vi.fn(async () => {}) };
    const state = (error: CustomTokenError | null): SessionState => ({
      connectionState: ConnectionState.Disconnected,
      isConnected: false,
      isStarting: false,
      isEnding: false,
      error,
    });
    const screenWith = (error: CustomTokenError | null) => (
      <SessionActionsContext.Provider value={actions}>
        <SessionStateContext.Provider value={state(error)}>
          <ErrorNotice />
          <button hidden>Hidden menu item</button>
          <div className="behind-dialog">
            <button>Behind a dialog</button>
          </div>
          <button>Next</button>
        </SessionStateContext.Provider>
      </SessionActionsContext.Provider>
    );
    const view = render(
      screenWith(new CustomTokenError('disconnected', 'The server shut down.', { reason: 'SERVER_SHUTDOWN', retryable: true })),
    );
    // Set by hand: React 18 and 19 write `inert` differently.
    document.querySelector('.behind-dialog')!.setAttribute('inert', '');
    within(screen.getByRole('alert')).getByRole('button', { name: 'Try again' }).focus();
    view.rerender(screenWith(null));
    expect(document.activeElement?.textContent).toBe('Next');
  });

  it('exposes the camera grid as a list in every browser (WebKit drops the role of a <ul> without markers)', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet }, { children: <CameraGrid /> });
    await settle(() => session().start());
    joinRemote(room, 'bob', { name: 'Bob' });
    expect((await screen.findByRole('list', { name: 'Cameras' })).getAttribute('role')).toBe('list');
  });

  it('separates the agent failure from its reasons by a space, so that they read as words when unstyled', async () => {
    vi.useFakeTimers();
    try {
      const { room } = roomWithoutServer();
      const { session } = renderSession(
        { generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', agentConnectTimeoutMs: 1_000, ...quiet },
        { children: <AgentStatusIndicator /> },
      );
      act(() => void session().start());
      await act(() => vi.advanceTimersByTimeAsync(50));
      await act(() => vi.advanceTimersByTimeAsync(1_000));
      expect(spokenText(screen.getByRole('status'))).toBe('The agent is not in the call Agent did not join the room.');
    } finally {
      vi.useRealTimers();
    }
  });
});
