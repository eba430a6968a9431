import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { DisconnectReason, ParticipantKind } from 'livekit-client';
import { describe, expect, it, vi } from 'vitest';
import { AgentStatusIndicator } from '../../src/components/AgentStatusIndicator';
import { CameraGrid } from '../../src/components/CameraGrid';
import { ConnectButton } from '../../src/components/ConnectButton';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import type { TokenGenerator } from '../../src/core/types';
import { useTokenStatus, type UseTokenStatusReturn } from '../../src/hooks/useTokenStatus';
import { playableVideo } from '../helpers/media';
import {
  joinRemote,
  leaveRemote,
  publishCamera,
  roomWithoutServer,
  serverDisconnects,
  setAttributes,
  setCameraMuted,
  subscribeCamera,
  tokenGenerator,
  unsubscribeCamera,
} from '../helpers/room';
import { spokenText } from '../helpers/a11y';
import { renderSession, settle } from '../providers/render';

const quiet = { microphone: false } as const;

describe('ConnectButton', () => {
  it('connects on click and then offers to disconnect, with its state in data-state', async () => {
    const { room } = roomWithoutServer();
    renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet }, { children: <ConnectButton className="mine" /> });
    const button = screen.getByRole('button', { name: 'Connect' });
    expect(button).toHaveProperty('className', 'lk-ctr-connect-button mine');

    fireEvent.click(button);
    expect(button.getAttribute('data-state')).toBe('connecting');
    expect(button.getAttribute('aria-busy')).toBe('true');
    await screen.findByRole('button', { name: 'Disconnect' });

    fireEvent.click(button);
    await screen.findByRole('button', { name: 'Connect' });
    expect(room.state).toBe('disconnected');
  });

  it('keeps the keyboard focus while disconnecting: aria-disabled, not disabled, and a click then does nothing', async () => {
    const { room } = roomWithoutServer();
    const disconnect = room.disconnect.bind(room);
    let finishDisconnect!: () => void;
    // A disconnect that takes a network round trip, long enough to be drawn.
    room.disconnect = async (stopTracks?: boolean) => {
      await new Promise<void>((resolve) => (finishDisconnect = resolve));
      return disconnect(stopTracks);
    };
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'standup', ...quiet },
      { children: <ConnectButton /> },
    );
    await settle(() => session().start());
    const button = screen.getByRole('button', { name: 'Disconnect' });
    button.focus();

    fireEvent.click(button);
    await waitFor(() => expect(button.getAttribute('data-state')).toBe('disconnecting'));
    expect([button.hasAttribute('disabled'), button.getAttribute('aria-disabled')]).toEqual([false, 'true']);
    expect(document.activeElement).toBe(button);
    fireEvent.click(button);

    await act(async () => finishDisconnect());
    await screen.findByRole('button', { name: 'Connect' });
    expect(document.activeElement).toBe(button);
    expect(room.state).toBe('disconnected');
  });

  it('uses the labels it is given', () => {
    renderSession(
      { generator: tokenGenerator(), room: roomWithoutServer().room, ...quiet },
      { children: <ConnectButton labels={{ disconnected: 'Join call' }} /> },
    );
    expect(screen.getByRole('button', { name: 'Join call' })).toBeTruthy();
  });

  it('is disabled when the app says so: a click then starts nothing', () => {
    const { session } = renderSession(
      { generator: tokenGenerator(), room: roomWithoutServer().room, ...quiet },
      { children: <ConnectButton disabled /> },
    );
    const button = screen.getByRole('button', { name: 'Connect' });
    fireEvent.click(button);
    expect([(button as HTMLButtonElement).disabled, session().isStarting]).toEqual([true, false]);
  });
});

describe('AgentStatusIndicator', () => {
  it('announces the agent state in a polite live region', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'standup', ...quiet },
      { children: <AgentStatusIndicator /> },
    );
    const status = screen.getByRole('status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(spokenText(status)).toBe('');

    await settle(() => session().start());
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'initializing' } });
    await waitFor(() => expect(status.getAttribute('data-state')).toBe('initializing'));
    setAttributes(room, agent, { 'lk.agent.state': 'listening' });

    expect(spokenText(status)).toBe('Agent is listening');
  });

  it('uses the labels it is given, the one for no session included', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'standup', ...quiet },
      { children: <AgentStatusIndicator labels={{ disconnected: 'No call yet', listening: 'Go ahead' }} /> },
    );
    const status = screen.getByRole('status');
    expect(spokenText(status)).toBe('No call yet');

    await settle(() => session().start());
    joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await waitFor(() => expect(spokenText(status)).toBe('Go ahead'));
  });

  it('shows why the agent failed', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', agentConnectTimeoutMs: 1_000, ...quiet },
      { children: <AgentStatusIndicator /> },
    );
    const status = screen.getByRole('status');
    act(() => void session().start());
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(spokenText(status)).toBe('Waiting for the agent…');

    await act(() => vi.advanceTimersByTimeAsync(1_000));

    expect(status.getAttribute('data-state')).toBe('failed');
    expect(spokenText(status)).toBe('The agent is not in the call Agent did not join the room.');
    expect(session().isConnected).toBe(false);
  });

  it('says an agent that left mid-call is not in the call, not that it could not join', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', ...quiet },
      { children: <AgentStatusIndicator /> },
    );
    act(() => void session().start());
    await waitFor(() => expect(session().isConnected).toBe(true));
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    const status = screen.getByRole('status');
    await waitFor(() => expect(spokenText(status)).toBe('Agent is listening'));

    leaveRemote(room, agent);

    await waitFor(() => expect(status.getAttribute('data-state')).toBe('failed'));
    expect(spokenText(status)).toBe('The agent is not in the call Agent left the room unexpectedly.');
  });
});

describe('CameraGrid', () => {
  it('shows its empty content while disconnected', () => {
    renderSession(
      { generator: tokenGenerator(), room: roomWithoutServer().room, ...quiet },
      { children: <CameraGrid empty={<p>No cameras</p>} /> },
    );
    expect(screen.getByText('No cameras')).toBeTruthy();
    expect(screen.queryByRole('list')).toBeNull();
  });

  it('shows a named placeholder for a participant without a camera and a video once they publish one and it is subscribed to', async () => {
    playableVideo();
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet }, { children: <CameraGrid /> });
    await settle(() => session().start());
    const bob = joinRemote(room, 'bob', { name: 'Bob' });
    const grid = await screen.findByRole('list', { name: 'Cameras' });
    const tile = await within(grid).findByText('Bob');
    expect(tile.closest('li')?.hasAttribute('data-placeholder')).toBe(true);
    expect(within(grid).getByText('(you)', { exact: false }).closest('li')?.hasAttribute('data-local')).toBe(true);

    const camera = publishCamera(room, bob);
    subscribeCamera(room, bob, camera);

    expect(within(grid).getByLabelText("Bob's camera").tagName).toBe('VIDEO');
    expect(within(grid).getByText('Bob').closest('li')?.hasAttribute('data-placeholder')).toBe(false);
  });

  it('shows the named placeholder, never an empty video, while a remote camera is not subscribed to: before its track arrives, and after it is unsubscribed', async () => {
    playableVideo();
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet }, { children: <CameraGrid /> });
    await settle(() => session().start());
    const bob = joinRemote(room, 'bob', { name: 'Bob' });
    const grid = await screen.findByRole('list', { name: 'Cameras' });
    const bobsTile = () => within(grid).getByText('Bob').closest('li')!;
    const expectPlaceholder = () => {
      expect(bobsTile().hasAttribute('data-placeholder')).toBe(true);
      expect(bobsTile().querySelector('video')).toBeNull();
      expect(bobsTile().querySelector('.lk-ctr-camera-placeholder')?.textContent).toBe('B');
    };

    // Published, not subscribed to: `autoSubscribe: false`, or a subscription under way or failed.
    const camera = publishCamera(room, bob);
    expectPlaceholder();

    subscribeCamera(room, bob, camera);
    expect(within(grid).getByLabelText("Bob's camera").tagName).toBe('VIDEO');
    expect(bobsTile().hasAttribute('data-placeholder')).toBe(false);

    unsubscribeCamera(room, bob, camera);
    expectPlaceholder();
    expect(within(grid).getAllByRole('listitem')).toHaveLength(2);
  });

  it("shows a whole character as the placeholder's initial when the name starts beyond the Basic Multilingual Plane", async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet }, { children: <CameraGrid /> });
    await settle(() => session().start());
    joinRemote(room, 'fox', { name: '🦊 Fox' });
    joinRemote(room, 'yoshida', { name: '𠮷田' });
    const grid = await screen.findByRole('list', { name: 'Cameras' });
    const initialOf = (name: string) =>
      within(grid).getByText(name).closest('li')?.querySelector('.lk-ctr-camera-placeholder')?.textContent;
    await waitFor(() => expect(initialOf('🦊 Fox')).toBe('🦊'));
    expect(initialOf('𠮷田')).toBe('𠮷');
  });

  it("shows the placeholder while a participant's camera is turned off (muted, still published), and the video once it is back on", async () => {
    playableVideo();
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet }, { children: <CameraGrid /> });
    await settle(() => session().start());
    const bob = joinRemote(room, 'bob', { name: 'Bob' });
    const camera = publishCamera(room, bob);
    subscribeCamera(room, bob, camera);
    const grid = await screen.findByRole('list', { name: 'Cameras' });
    const bobsTile = () => within(grid).getByText('Bob').closest('li')!;
    expect(bobsTile().hasAttribute('data-placeholder')).toBe(false);

    setCameraMuted(room, bob, camera, true);

    expect(bobsTile().hasAttribute('data-placeholder')).toBe(true);
    expect(within(grid).queryByLabelText("Bob's camera")).toBeNull();
    expect(bobsTile().querySelector('.lk-ctr-camera-placeholder')?.textContent).toBe('B');

    setCameraMuted(room, bob, camera, false);

    expect(within(grid).getByLabelText("Bob's camera").tagName).toBe('VIDEO');
    expect(bobsTile().hasAttribute('data-placeholder')).toBe(false);
  });

  it("includes an agent's camera", async () => {
    playableVideo();
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'standup', ...quiet },
      { children: <CameraGrid placeholders={false} /> },
    );
    await settle(() => session().start());
    const avatar = joinRemote(room, 'avatar', { kind: ParticipantKind.AGENT, name: 'Avatar' });
    subscribeCamera(room, avatar, publishCamera(room, avatar));
    expect((await screen.findAllByRole('listitem')).map((item) => item.textContent)).toEqual(['Avatar']);
  });

  it('leaves out cameras not subscribed to when asked, or shows them as placeholders', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'standup', ...quiet },
      {
        children: (
          <>
            <CameraGrid onlySubscribed placeholders={false} label="Subscribed only" empty={<p>No cameras</p>} />
            <CameraGrid onlySubscribed label="Subscribed or placeholder" />
          </>
        ),
      },
    );
    await settle(() => session().start());
    const bob = joinRemote(room, 'bob', { name: 'Bob' });
    publishCamera(room, bob);

    expect(screen.getByText('No cameras')).toBeTruthy();
    const withPlaceholders = screen.getByRole('list', { name: 'Subscribed or placeholder' });
    expect(within(withPlaceholders).getByText('Bob').closest('li')?.hasAttribute('data-placeholder')).toBe(true);
    expect(within(withPlaceholders).queryByLabelText("Bob's camera")).toBeNull();
  });
});

describe('TokenStatusView', () => {
  it('shows identity, room, grants and a countdown that ticks', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-28T10:00:00Z') });
    renderSession(
      { generator: tokenGenerator({ identity: 'alice', ttl: 600 }), room: roomWithoutServer().room, roomName: 'standup', ...quiet },
      { children: <TokenStatusView /> },
    );
    await act(() => vi.advanceTimersByTimeAsync(50));
    const view = screen.getByRole('region', { name: 'Token status' });
    expect(view.getAttribute('data-status')).toBe('ready');
    expect(within(view).getByRole('status').textContent).toBe('Token ready');
    expect(within(view).getByText('alice')).toBeTruthy();
    expect(within(view).getByText('standup')).toBeTruthy();
    expect(within(view).getByText('roomJoin, canPublish, canSubscribe')).toBeTruthy();
    // 10 minutes from receipt, less the few fake milliseconds React took to mount the countdown.
    expect(view.querySelector('time [aria-hidden]')?.textContent).toMatch(/^in (10:00|9:59)$/);

    await act(() => vi.advanceTimersByTimeAsync(61_000));
    expect(view.querySelector('time [aria-hidden]')?.textContent).toMatch(/^in (8:59|8:58)$/);
  });
});

describe('TokenStatusView: what its live region announces', () => {
  it('says nothing about a routine refresh: the status line stays "Token ready" while a fresh token is fetched ahead of expiry', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-28T10:00:00Z') });
    const mint = tokenGenerator({ ttl: 120 });
    // Each answer takes 2 s, so that every refresh is on screen for a while.
    const generator = vi.fn<TokenGenerator>(async (request, context) => {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      return mint(request, context);
    });
    renderSession({ generator, room: roomWithoutServer().room, roomName: 'standup', ...quiet }, { children: <TokenStatusView /> });
    await act(() => vi.advanceTimersByTimeAsync(2_050));
    const view = screen.getByRole('region', { name: 'Token status' });
    const statusLine = within(view).getByRole('status');
    expect(statusLine.textContent).toBe('Token ready');
    const announced: string[] = [];
    const seenStatuses = new Set<string | null>();
    const observer = new MutationObserver(() => {
      announced.push(statusLine.textContent ?? '');
      seenStatuses.add(view.getAttribute('data-status'));
    });
    observer.observe(view, { subtree: true, characterData: true, childList: true, attributes: true });

    // Three token lifetimes, one step at a time, so that every refresh in flight is rendered.
    for (let second = 0; second < 360; second += 1) await act(() => vi.advanceTimersByTimeAsync(1_000));
    observer.disconnect();

    expect(generator.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(seenStatuses).toContain('fetching');
    expect(announced.filter((text) => text !== 'Token ready')).toEqual([]);
  });
});

describe('TokenStatusView: what its live region announces after an error', () => {
  it('announces the retry as a fetch, never "Token ready", though the token from before the error has not expired', async () => {
    const mint = tokenGenerator();
    let next: 'answer' | 'refuse' | 'wait' = 'answer';
    let answer: () => void = () => {};
    const generator = vi.fn<TokenGenerator>(async (request, context) => {
      if (next === 'refuse') throw Object.assign(new Error('Sign in again.'), { status: 401 });
      if (next === 'wait') await new Promise<void>((resolve) => (answer = resolve));
      return mint(request, context);
    });
    const token: { current: UseTokenStatusReturn | null } = { current: null };
    function TokenProbe() {
      token.current = useTokenStatus();
      return null;
    }
    renderSession(
      { generator, room: roomWithoutServer().room, roomName: 'standup', retries: 0, ...quiet },
      {
        children: (
          <>
            <TokenStatusView />
            <TokenProbe />
          </>
        ),
      },
    );
    const statusLine = within(screen.getByRole('region', { name: 'Token status' })).getByRole('status');
    await waitFor(() => expect(statusLine.textContent).toBe('Token ready'));
    next = 'refuse';
    await act(() => token.current!.refresh());
    expect(statusLine.textContent).toBe('Token errorThe token generator failed with HTTP 401: Sign in again.');

    next = 'wait';
    fireEvent.click(screen.getByRole('button', { name: 'Fetch the token again' }));
    await waitFor(() => expect(token.current!.status).toBe('fetching'));
    expect(statusLine.textContent).toBe('Token fetching');
    expect(document.activeElement === statusLine || document.activeElement === document.body).toBe(true);

    act(() => answer());
    await waitFor(() => expect(statusLine.textContent).toBe('Token ready'));
  });
});

describe('TokenStatusView of a source of its own', () => {
  it('shows the source it is given, outside any provider, with the retry label it is given', async () => {
    const generator = tokenGenerator({ identity: 'alice' });
    generator.mockRejectedValueOnce(new Error('token service down'));
    const source = createCustomTokenSource(generator, { retries: 0 });
    render(<TokenStatusView source={source} retryLabel="Retry the token" />);
    const view = screen.getByRole('region', { name: 'Token status' });
    expect(view.getAttribute('data-status')).toBe('idle');

    await act(() => source.fetch({ roomName: 'standup' }).catch(() => {}));
    fireEvent.click(within(view).getByRole('button', { name: 'Retry the token' }));

    await waitFor(() => expect(view.getAttribute('data-status')).toBe('ready'));
    expect(within(view).getByText('alice')).toBeTruthy();
    expect(within(view).getByText('standup')).toBeTruthy();
  });
});

describe('TokenStatusView of a misconfigured provider', () => {
  it('says why before start(), and offers no fetch again: only other options can help', async () => {
    renderSession(
      { generator: tokenGenerator(), room: roomWithoutServer().room, participantAttributes: { age: 42 as unknown as string }, ...quiet },
      { children: <TokenStatusView /> },
    );
    const view = screen.getByRole('region', { name: 'Token status' });
    await waitFor(() => expect(view.getAttribute('data-status')).toBe('error'));
    expect(within(view).getByRole('status').textContent).toBe(
      'Token errorToken fetch option `participantAttributes.age` must be a string, got number 42.',
    );
    expect(within(view).queryByRole('button')).toBeNull();
  });
});

describe('TokenStatusView: the retry button', () => {
  it('keeps the keyboard focus in the view when "Fetch the token again" goes away: on the status line, not <body>', async () => {
    const generator = tokenGenerator();
    generator.mockRejectedValueOnce(new Error('token service down'));
    renderSession(
      { generator, room: roomWithoutServer().room, roomName: 'standup', retries: 0, ...quiet },
      { children: <TokenStatusView /> },
    );
    const retry = await screen.findByRole('button', { name: 'Fetch the token again' });
    retry.focus();

    fireEvent.click(retry);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Token ready'));
    expect(screen.queryByRole('button', { name: 'Fetch the token again' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('status'));
  });
});

describe('ErrorNotice', () => {
  it('renders nothing without an error', () => {
    const { container } = renderSession(
      { generator: tokenGenerator(), room: roomWithoutServer().room, ...quiet },
      { children: <ErrorNotice /> },
    );
    expect(container.querySelector('.lk-ctr-error-notice')).toBeNull();
  });

  it('shows the error as an alert and retries on click', async () => {
    const generator = tokenGenerator();
    // One failure: the mount's pre-warm fetch and start() share the same call.
    generator.mockRejectedValueOnce(new Error('token service down'));
    const { session } = renderSession(
      { generator, room: roomWithoutServer().room, roomName: 'standup', retries: 0, ...quiet },
      { children: <ErrorNotice retryLabel="Reconnect" /> },
    );
    await settle(() => session().start());
    const alert = screen.getByRole('alert');
    expect(alert.getAttribute('data-code')).toBe('generator_failed');
    expect(alert.textContent).toContain('Could not get access to the call');
    expect(alert.textContent).toContain('token service down');

    fireEvent.click(within(alert).getByRole('button', { name: 'Reconnect' }));

    await waitFor(() => expect(session().isConnected).toBe(true));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it.each([
    // Joining again would end the other tab's call, which would join again, and so on.
    'DUPLICATE_IDENTITY',
    // The room's moderator took the user out: a button to walk back in would undo that.
    'PARTICIPANT_REMOVED',
  ] as const)('offers no "Try again" when LiveKit ended the session with %s, but the app\'s action', async (name) => {
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'standup', ...quiet },
      { children: <ErrorNotice action={(error) => <a href="/help">Why? ({error.reason})</a>} /> },
    );
    await settle(() => session().start());
    await serverDisconnects(room, DisconnectReason[name]);
    const alert = await screen.findByRole('alert');
    expect(alert.getAttribute('data-code')).toBe('disconnected');
    expect(within(alert).queryByRole('button')).toBeNull();
    expect(within(alert).getByRole('link').textContent).toBe(`Why? (${name})`);
  });

  it('offers "Try again" when LiveKit ended the session for a passing reason (a server shutdown)', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet }, { children: <ErrorNotice /> });
    await settle(() => session().start());
    await serverDisconnects(room, DisconnectReason.SERVER_SHUTDOWN);
    fireEvent.click(within(await screen.findByRole('alert')).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(session().isConnected).toBe(true));
  });
});
