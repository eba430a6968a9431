import { ConnectionState, ParticipantKind } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSession, type StartSessionInput } from '../../../src/providers/session/startSession';
import { joinRemote, roomWithoutServer } from '../../helpers/room';
import { mintToken, SERVER_URL } from '../../helpers/tokens';

/**
 * `startSession` on a real `Room` (only its network skipped), with the app's waits as the provider
 * wires them: the room seen connected at once, an agent ready when the test says.
 */
function input(room: StartSessionInput['room'], participantToken: string, overrides: Partial<StartSessionInput> = {}): StartSessionInput {
  return {
    room,
    fetchToken: async () => ({ serverUrl: SERVER_URL, participantToken }),
    connectOptions: {},
    waitUntilDisconnected: async () => {},
    waitUntilConnected: async () => {},
    waitUntilAgentReady: () => new Promise(() => {}),
    agentConnectTimeoutMs: 1_000,
    signal: new AbortController().signal,
    leftByApp: () => {},
    leftLiveCall: () => {},
    leftRoomUnfinished: () => {},
    ...overrides,
  };
}

/** The start's outcome, and whether it has settled yet. */
function watch(start: Promise<boolean>) {
  const outcome = {
    settled: false,
    result: start.then(
      (value) => value,
      (error: unknown) => error,
    ),
  };
  void outcome.result.finally(() => void (outcome.settled = true));
  return outcome;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('startSession’s agent deadline', () => {
  it('fails with agent_failed exactly agentConnectTimeoutMs after the connect began, counting the wait to see the room connected', async () => {
    const participantToken = await mintToken({ agentName: 'helper' });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { room } = roomWithoutServer();
    const start = watch(
      startSession(
        input(room, participantToken, {
          // The app's render that sees the room connected comes 600 ms after the connect (a busy page).
          waitUntilConnected: () => new Promise((resolve) => setTimeout(resolve, 600)),
        }),
      ),
    );
    await vi.advanceTimersByTimeAsync(500);
    // Someone else in the room is no agent.
    joinRemote(room, 'bob');
    await vi.advanceTimersByTimeAsync(499);
    expect(start.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(start.settled).toBe(true);
    expect(await start.result).toMatchObject({
      code: 'agent_failed',
      message: 'The agent did not become ready: Agent did not join the room.',
      failureReasons: ['Agent did not join the room.'],
    });
    expect(room.state).toBe(ConnectionState.Disconnected);
  });

  it('says the agent joined but did not finish initializing when an agent participant is in the room', async () => {
    const participantToken = await mintToken({ agentName: 'helper' });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { room } = roomWithoutServer();
    const start = watch(startSession(input(room, participantToken)));
    await vi.advanceTimersByTimeAsync(500);
    joinRemote(room, 'agent-helper', { kind: ParticipantKind.AGENT });
    await vi.advanceTimersByTimeAsync(500);
    expect(await start.result).toMatchObject({
      code: 'agent_failed',
      failureReasons: ['Agent joined the room but did not complete initializing.'],
    });
  });

  it('resolves once an agent ready before the deadline says so, and its wait is not aborted', async () => {
    const participantToken = await mintToken({ agentName: 'helper' });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { room } = roomWithoutServer();
    let waitSignal: AbortSignal | undefined;
    const start = watch(
      startSession(
        input(room, participantToken, {
          waitUntilAgentReady: (signal) => {
            waitSignal = signal;
            return new Promise((resolve) => setTimeout(resolve, 900));
          },
        }),
      ),
    );
    await vi.advanceTimersByTimeAsync(900);
    expect(await start.result).toBe(true);
    expect(waitSignal?.aborted).toBe(false);
    // The deadline's timer is gone with the wait: nothing fails the live session later.
    expect(vi.getTimerCount()).toBe(0);
    expect(room.state).toBe(ConnectionState.Connected);
    await room.disconnect();
  });
});

describe('startSession abandoned while the room connects', () => {
  it('leaves a connect under way up to 1.5 s to finish, then leaves the room it connected to', async () => {
    const participantToken = await mintToken();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let connected!: () => void;
    const { room, connect } = roomWithoutServer({ connecting: new Promise<void>((resolve) => (connected = resolve)) });
    const controller = new AbortController();
    const start = watch(startSession(input(room, participantToken, { signal: controller.signal })));
    await vi.advanceTimersByTimeAsync(0);
    expect(room.state).toBe(ConnectionState.Connecting);
    controller.abort();
    await vi.advanceTimersByTimeAsync(1_499);
    expect(room.state).toBe(ConnectionState.Connecting);
    connected();
    // The connect finished (it was not cut off), and the start left the room with it.
    await expect(connect.mock.results[0]!.value).resolves.toBeUndefined();
    expect(await start.result).toBe(controller.signal.reason);
    expect(room.state).toBe(ConnectionState.Disconnected);
  });

  it('cuts off a connect still under way 1.5 s after the abandon', async () => {
    const participantToken = await mintToken();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { room, connect } = roomWithoutServer({ connecting: new Promise<void>(() => {}) });
    const controller = new AbortController();
    const start = watch(startSession(input(room, participantToken, { signal: controller.signal })));
    await vi.advanceTimersByTimeAsync(0);
    controller.abort();
    await vi.advanceTimersByTimeAsync(1_499);
    expect(room.state).toBe(ConnectionState.Connecting);
    await vi.advanceTimersByTimeAsync(1);
    await expect(connect.mock.results[0]!.value).rejects.toThrow();
    expect(await start.result).toBe(controller.signal.reason);
    expect(room.state).toBe(ConnectionState.Disconnected);
  });
});

describe('startSession on a room that is connected already', () => {
  it('does nothing for a live session in it (resolves false)', async () => {
    const participantToken = await mintToken();
    const { room, connect } = roomWithoutServer();
    await room.connect(SERVER_URL, participantToken);
    const leftLiveCall = vi.fn();
    expect(await startSession(input(room, participantToken, { leftLiveCall }))).toBe(false);
    expect(connect).toHaveBeenCalledTimes(1);
    expect(leftLiveCall).not.toHaveBeenCalled();
    await room.disconnect();
  });

  it('waits for the app’s own leave under way (`void room.disconnect()` just before), moves on from that call, then starts', async () => {
    const participantToken = await mintToken();
    const { room, connect } = roomWithoutServer();
    await room.connect(SERVER_URL, participantToken);
    const leftLiveCall = vi.fn(() => expect(room.state).toBe(ConnectionState.Disconnected));
    const leaving = room.disconnect();
    expect(room.state).toBe(ConnectionState.Connected);
    const started = startSession(input(room, participantToken, { leftLiveCall }));
    expect(await started).toBe(true);
    await leaving;
    expect(leftLiveCall).toHaveBeenCalledTimes(1);
    expect(connect).toHaveBeenCalledTimes(2);
    expect(room.state).toBe(ConnectionState.Connected);
    await room.disconnect();
  });
});

describe('startSession when the app leaves the room itself (LiveKit’s <DisconnectButton>)', () => {
  it('while it waits for the agent: abandoned without an error, the room it joined handed on', async () => {
    const participantToken = await mintToken({ agentName: 'helper' });
    const { room, connect } = roomWithoutServer();
    const leftByApp = vi.fn();
    const leftRoomUnfinished = vi.fn();
    const start = startSession(input(room, participantToken, { leftByApp, leftRoomUnfinished, agentConnectTimeoutMs: 60_000 }));
    await vi.waitFor(() => expect(room.state).toBe(ConnectionState.Connected), { timeout: 3_000 });
    await room.disconnect();
    expect(await start).toBe(true);
    expect(leftByApp).toHaveBeenCalledTimes(1);
    expect(leftRoomUnfinished).toHaveBeenCalledTimes(1);
    expect(connect).toHaveBeenCalledTimes(1);
  });

  it('while it connects: the cancelled connect is that leave, not a failure', async () => {
    const participantToken = await mintToken();
    const { room } = roomWithoutServer({ connecting: new Promise<void>(() => {}) });
    const leftByApp = vi.fn();
    const start = startSession(input(room, participantToken, { leftByApp }));
    await vi.waitFor(() => expect(room.state).toBe(ConnectionState.Connecting), { timeout: 3_000 });
    await room.disconnect();
    expect(await start).toBe(true);
    expect(leftByApp).toHaveBeenCalledTimes(1);
  });
});
