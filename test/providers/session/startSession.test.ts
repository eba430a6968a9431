import {
  ConnectionState,
  DisconnectReason,
  ParticipantEvent,
  ParticipantKind,
  TrackEvent,
  type LocalTrack,
  type Room,
} from 'livekit-client';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { noop } from '../../../src/core/noop';
import { markLeaving } from '../../../src/hooks/internal/roomLeaving';
import { startSession, type StartSessionInput } from '../../../src/providers/session/startSession';
import { fakeMediaDevices } from '../../helpers/media';
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

describe('startSession once it has finished', () => {
  it('leaves the live session alone when its signal aborts later: the room stays connected and its microphone on', async () => {
    const participantToken = await mintToken();
    const media = fakeMediaDevices();
    const { room } = roomWithoutServer();
    // Publishing is network (the server's answer); the track handed to it is the start's own.
    const publishTrack = vi.spyOn(room.localParticipant, 'publishTrack').mockResolvedValue(undefined as never);
    const controller = new AbortController();
    const start = startSession(
      input(room, participantToken, { signal: controller.signal, connectOptions: { tracks: { microphone: { enabled: true } } } }),
    );
    await vi.waitFor(() => expect(media.getUserMedia).toHaveBeenCalled(), { timeout: 3_000 });
    media.grant();
    expect(await start).toBe(true);
    expect(publishTrack).toHaveBeenCalledTimes(1);

    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(media.live()).toHaveLength(1);
    expect(room.state).toBe(ConnectionState.Connected);
    await room.disconnect();
  });

  it('does not take the app’s later leave of the session it started for an abandon of the start', async () => {
    const participantToken = await mintToken();
    const { room } = roomWithoutServer();
    const leftByApp = vi.fn();
    const leftRoomUnfinished = vi.fn();
    expect(await startSession(input(room, participantToken, { leftByApp, leftRoomUnfinished }))).toBe(true);

    await room.disconnect();

    expect(leftByApp).not.toHaveBeenCalled();
    expect(leftRoomUnfinished).not.toHaveBeenCalled();
  });
});

describe('startSession abandoned before it began', () => {
  it('settles at once with the abort’s reason, without waiting for an earlier provider’s leave of the room', async () => {
    const participantToken = await mintToken();
    const { room, connect } = roomWithoutServer();
    await room.connect(SERVER_URL, participantToken);
    // The earlier provider's teardown began to leave the room; the leave has not finished (offline, say).
    markLeaving(room);
    const controller = new AbortController();
    controller.abort();

    const start = watch(startSession(input(room, participantToken, { signal: controller.signal })));
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(start.settled).toBe(true);
    expect(await start.result).toBe(controller.signal.reason);
    expect(connect).toHaveBeenCalledTimes(1);
    await room.disconnect();
  });
});

describe('startSession’s own tracks', () => {
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'permissions');
  });

  it('stops the tracks it created the moment it is abandoned, while the connect under way is still left to finish', async () => {
    const participantToken = await mintToken();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const media = fakeMediaDevices();
    const { room } = roomWithoutServer({ connecting: new Promise<void>(() => {}) });
    const controller = new AbortController();
    const start = watch(
      startSession(
        input(room, participantToken, { signal: controller.signal, connectOptions: { tracks: { microphone: { enabled: true } } } }),
      ),
    );
    media.grant();
    await vi.advanceTimersByTimeAsync(0);
    expect(room.state).toBe(ConnectionState.Connecting);
    expect(media.live()).toHaveLength(1);

    controller.abort();
    await vi.advanceTimersByTimeAsync(0);

    expect(media.live()).toEqual([]);
    expect(room.state).toBe(ConnectionState.Connecting);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(await start.result).toBe(controller.signal.reason);
  });

  it.each([
    ['microphone', { microphone: { enabled: true } }, { audio: true }, 'audioinput'],
    ['camera', { camera: { enabled: true } }, { video: true }, 'videoinput'],
  ] as const)(
    'asks the browser for the %s alone, and tells LiveKit’s device hooks of its refusal with its kind',
    async (_device, tracks, asked, kind) => {
      const participantToken = await mintToken();
      const media = fakeMediaDevices();
      const refusal = new DOMException('Permission denied', 'NotAllowedError');
      media.getUserMedia.mockRejectedValueOnce(refusal);
      const { room, connect } = roomWithoutServer();
      const heard: [unknown, unknown][] = [];
      room.localParticipant.on(ParticipantEvent.MediaDevicesError, (error, deviceKind) => heard.push([error, deviceKind]));

      const outcome = await startSession(input(room, participantToken, { connectOptions: { tracks } })).catch((error: unknown) => error);

      expect(outcome).toBe(refusal);
      expect(media.getUserMedia).toHaveBeenCalledTimes(1);
      const constraints = media.getUserMedia.mock.calls[0]![0];
      expect(Boolean(constraints.audio)).toBe('audio' in asked);
      expect(Boolean(constraints.video)).toBe('video' in asked);
      expect(heard).toEqual([[refusal, kind]]);
      expect(connect.mock.calls.length).toBeLessThanOrEqual(1);
      expect(room.state).toBe(ConnectionState.Disconnected);
    },
  );

  it('tells LiveKit’s device hooks of a refused screen share as a video input', async () => {
    const participantToken = await mintToken();
    const refusal = new DOMException('Permission denied by user', 'NotAllowedError');
    Object.defineProperty(navigator, 'mediaDevices', {
      configurable: true,
      value: { getDisplayMedia: vi.fn().mockRejectedValue(refusal), getUserMedia: vi.fn(), enumerateDevices: async () => [] },
    });
    onTestFinished(() => void Reflect.deleteProperty(navigator, 'mediaDevices'));
    const { room } = roomWithoutServer();
    const heard: unknown[] = [];
    room.localParticipant.on(ParticipantEvent.MediaDevicesError, (_error, deviceKind) => heard.push(deviceKind));

    const outcome = await startSession(
      input(room, participantToken, { connectOptions: { tracks: { screenShare: { enabled: true } } } }),
    ).catch((error: unknown) => error);

    expect(outcome).toMatchObject({ code: 'media_failed', message: expect.stringMatching(/^Could not start the screen share/) });
    expect(heard).toEqual(['videoinput']);
  });

  it.each([
    ['microphone', 'microphone', { microphone: { enabled: true } }],
    ['camera', 'camera', { camera: { enabled: true } }],
    ['microphone', 'camera and microphone', { camera: { enabled: true }, microphone: { enabled: true } }],
  ] as const)(
    'never joins when the browser already blocks the %s (%s asked for): the refusal comes first',
    async (blocked, _asked, tracks) => {
      const participantToken = await mintToken();
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      // Blocked in the site settings: the permission says so at once; getUserMedia's refusal takes a moment.
      refuseDevicesAfter(200);
      const query = vi.fn(async ({ name }: { name: string }) => ({ state: name === blocked ? 'denied' : 'granted' }));
      Object.defineProperty(navigator, 'permissions', { configurable: true, value: { query } });
      const { room, connect } = roomWithoutServer();
      const start = watch(startSession(input(room, participantToken, { connectOptions: { tracks } })));
      await vi.advanceTimersByTimeAsync(199);
      expect(start.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);

      expect(await start.result).toMatchObject({ name: 'NotAllowedError' });
      expect(connect).not.toHaveBeenCalled();
    },
  );

  it.each([
    ['the camera blocked, the microphone asked for', { microphone: { enabled: true } }, 'camera'],
    ['the microphone blocked, the camera asked for', { camera: { enabled: true } }, 'microphone'],
    ['the screen share asked for', { screenShare: { enabled: true } }, 'camera'],
  ] as const)('joins before a device request answers when the browser blocks no device asked for (%s)', async (_name, tracks, blocked) => {
    const participantToken = await mintToken();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    refuseDevicesAfter(200);
    const query = vi.fn(async ({ name }: { name: string }) => ({ state: name === blocked ? 'denied' : 'prompt' }));
    Object.defineProperty(navigator, 'permissions', { configurable: true, value: { query } });
    const { room, connect } = roomWithoutServer();
    const start = watch(startSession(input(room, participantToken, { connectOptions: { tracks } })));
    await vi.advanceTimersByTimeAsync(100);

    expect(connect).toHaveBeenCalledTimes(1);
    // Then refused, as asked: the start fails, and leaves the room it joined.
    await vi.advanceTimersByTimeAsync(100);
    expect(await start.result).toMatchObject({ message: expect.stringMatching(/Permission denied/) });
    expect(room.state).toBe(ConnectionState.Disconnected);
  });

  it.each([
    ['rejects', () => Promise.reject(new TypeError('not a PermissionName'))],
    [
      'throws at once',
      () => {
        throw new TypeError('not a PermissionName');
      },
    ],
  ] as const)('joins as usual where the Permissions API cannot say (it %s)', async (_name, query) => {
    const participantToken = await mintToken();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    refuseDevicesAfter(200);
    Object.defineProperty(navigator, 'permissions', { configurable: true, value: { query } });
    const { room, connect } = roomWithoutServer();
    const start = watch(startSession(input(room, participantToken, { connectOptions: { tracks: { camera: { enabled: true } } } })));
    await vi.advanceTimersByTimeAsync(100);

    expect(connect).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(await start.result).toMatchObject({ name: 'NotAllowedError' });
  });
});

/**
 * livekit-client's `publishTrack` up to the server's answer, which the test gives (`answer()`): it
 * hears the track's end from the start of its publish on (its own `handleTrackEnded`, which takes
 * the device again), as livekit-client's `publish` does before it asks the server.
 */
function publishAnsweredByHand(room: Room) {
  const participant = room.localParticipant;
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  // Private in livekit-client's types (declared without a type: `any`).
  const handleTrackEnded = participant['handleTrackEnded'] as (track: LocalTrack) => void;
  const publishTrack = vi.spyOn(participant, 'publishTrack').mockImplementation(async (track) => {
    (track as LocalTrack).on(TrackEvent.Ended, handleTrackEnded);
    await answered;
    return undefined as never;
  });
  return {
    /** The track handed to publish once it is, and its publish's outcome. */
    published: async () => {
      await vi.waitFor(() => expect(publishTrack).toHaveBeenCalledTimes(1), { timeout: 3_000 });
      return { track: publishTrack.mock.calls[0]![0] as LocalTrack, returned: publishTrack.mock.results[0]!.value as Promise<unknown> };
    },
    answer,
  };
}

describe('startSession’s tracks ended while they are published', () => {
  const abandoned = (controller: AbortController) => controller.abort();
  const removed = (_controller: AbortController, room: Room) => void room['handleDisconnect'](true, DisconnectReason.PARTICIPANT_REMOVED);
  it.each([
    ['live', 'abandoned (end(), an unmount)', false, abandoned],
    ['live', 'removed by the server', false, removed],
    ['its device ended as it was handed out', 'abandoned', true, abandoned],
    ['its device ended as it was handed out', 'removed by the server', true, removed],
  ] as const)(
    'hands livekit-client no end of a camera (%s) the start stopped itself, %s while the publish waits for the server: the camera is not taken again',
    async (_state, _how, endedFirst, endStart) => {
      const participantToken = await mintToken();
      const media = fakeMediaDevices();
      const { room } = roomWithoutServer();
      const publishing = publishAnsweredByHand(room);
      const controller = new AbortController();
      const start = watch(
        startSession(
          input(room, participantToken, { signal: controller.signal, connectOptions: { tracks: { camera: { enabled: true } } } }),
        ),
      );
      await vi.waitFor(() => expect(media.getUserMedia).toHaveBeenCalledTimes(1), { timeout: 3_000 });
      media.grant();
      if (endedFirst) media.tracks[0]!.end();
      const { track, returned } = await publishing.published();
      const ended = vi.fn();
      track.on(TrackEvent.Ended, ended);

      endStart(controller, room);
      await start.result;
      await vi.waitFor(() => expect(media.live()).toEqual([]), { timeout: 3_000 });
      publishing.answer();
      await returned.then(noop);
      // livekit-client's end handling, had it been handed the end, would ask the browser (after a permission query) now.
      await new Promise((resolve) => setTimeout(resolve, 0));

      expect(ended).not.toHaveBeenCalled();
      expect(media.getUserMedia).toHaveBeenCalledTimes(1);
      expect(media.live()).toEqual([]);
    },
  );

  it.each([
    ['as it was handed out, before its publish (livekit-client, not listening yet, is handed the end)', 'before'],
    ['once its publish began (livekit-client hears the end itself)', 'during'],
  ] as const)('takes a camera whose device ended %s again, once', async (_when, when) => {
    const participantToken = await mintToken();
    const media = fakeMediaDevices();
    const { room } = roomWithoutServer();
    const publishing = publishAnsweredByHand(room);
    const start = watch(startSession(input(room, participantToken, { connectOptions: { tracks: { camera: { enabled: true } } } })));
    await vi.waitFor(() => expect(media.getUserMedia).toHaveBeenCalledTimes(1), { timeout: 3_000 });
    media.grant();
    if (when === 'before') media.tracks[0]!.end();
    const { track } = await publishing.published();
    const ended = vi.fn();
    track.on(TrackEvent.Ended, ended);
    // The OS takes the camera while the server has not answered the publish.
    if (when === 'during') media.tracks[0]!.end();

    publishing.answer();
    expect(await start.result).toBe(true);
    await vi.waitFor(() => expect(media.getUserMedia).toHaveBeenCalledTimes(2), { timeout: 3_000 });
    media.grant();
    await vi.waitFor(() => expect(track.mediaStreamTrack).toBe(media.tracks[1]), { timeout: 3_000 });
    // A second hand-over would ask the browser again once the first restart let go of the track.
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(ended).toHaveBeenCalledTimes(1);
    expect(media.getUserMedia).toHaveBeenCalledTimes(2);
    expect(media.live()).toEqual([media.tracks[1]]);
    await room.disconnect();
  });
});

/** The browser refuses every camera, microphone and screen request, `ms` after it is made (a user who blocked them). */
function refuseDevicesAfter(ms: number) {
  const refuse = () =>
    new Promise((_resolve, reject) => setTimeout(() => reject(new DOMException('Permission denied', 'NotAllowedError')), ms));
  Object.defineProperty(navigator, 'mediaDevices', {
    configurable: true,
    value: { getUserMedia: vi.fn(refuse), getDisplayMedia: vi.fn(refuse), enumerateDevices: async () => [] },
  });
  onTestFinished(() => void Reflect.deleteProperty(navigator, 'mediaDevices'));
}
