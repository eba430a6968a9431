import { act, waitFor } from '@testing-library/react';
import type { LocalTrack } from 'livekit-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { controlledGenerator } from '../helpers/generators';
import { fakeMediaDevices } from '../helpers/media';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession } from './render';

/** Lets every pending promise and event of the room, the source and React run out. */
const flush = () => act(() => new Promise((resolve) => setTimeout(resolve, 30)));

let media: ReturnType<typeof fakeMediaDevices>;
beforeEach(() => {
  media = fakeMediaDevices();
});

/** The browser grants the camera: waits for it to be asked, unless the user already left (then it may never be). */
async function cameraGranted({ left = false } = {}) {
  if (!left) await waitFor(() => expect(media.getUserMedia).toHaveBeenCalled());
  act(() => media.grant());
}

/** A provider with the camera on, a token fetch and a connect that wait for the test. */
function renderConnectingSession() {
  const { generator, calls } = controlledGenerator();
  let finishConnecting!: () => void;
  const { room, connect } = roomWithoutServer({ connecting: new Promise<void>((resolve) => (finishConnecting = resolve)) });
  const rendered = renderSession({ generator, room, roomName: 'standup', camera: true, microphone: false });
  act(() => void rendered.session().start());
  return {
    ...rendered,
    room,
    connect,
    /** The generator answers its call (waiting for it to be made, unless the provider is gone: its source then calls the generator no more). */
    tokenArrives: async ({ unmounted = false } = {}) => {
      if (!unmounted) await waitFor(() => expect(calls.length, 'generator calls').toBeGreaterThan(0));
      await act(async () => void (await Promise.all(calls.map((call) => call.resolve()))));
    },
    finishConnecting: async () => {
      act(() => finishConnecting());
    },
  };
}

describe('CustomTokenSessionProvider when a start is abandoned', () => {
  it('never connects when end() comes while the token is being fetched, even once the token arrives', async () => {
    const session = renderConnectingSession();
    act(() => void session.session().end());
    await session.tokenArrives();
    await flush();

    expect(session.connect).not.toHaveBeenCalled();
    expect(session.room.state).toBe('disconnected');
    expect(session.session()).toMatchObject({ isStarting: false, isEnding: false, error: null });
  });

  it('aborts the token fetch end() abandons: the next start() asks the generator again instead of waiting out that call', async () => {
    const { generator, calls } = controlledGenerator();
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator, room, roomName: 'standup', microphone: false, prefetch: false });
    act(() => void session().start());
    await waitFor(() => expect(calls).toHaveLength(1));

    await act(() => session().end());
    expect(calls[0]!.signal.aborted).toBe(true);

    act(() => void session().start());
    await waitFor(() => expect(calls.length).toBeGreaterThan(1));
    await act(async () => void (await Promise.all(calls.slice(1).map((call) => call.resolve()))));
    await waitFor(() => expect(session().isConnected).toBe(true));
    expect(session().error).toBeNull();
  });

  it('never connects when the provider unmounts while the token is being fetched', async () => {
    const session = renderConnectingSession();
    session.unmount();
    await session.tokenArrives({ unmounted: true });
    await flush();

    expect(session.connect).not.toHaveBeenCalled();
    expect(session.room.state).toBe('disconnected');
  });

  it('stops the camera started alongside the token fetch, also when it is granted after end()', async () => {
    const session = renderConnectingSession();
    await flush();
    expect(media.getUserMedia).toHaveBeenCalledTimes(1);
    act(() => void session.session().end());
    act(() => media.grant());
    await flush();

    expect(media.tracks).toHaveLength(1);
    expect(media.live()).toEqual([]);
  });

  it.each(['before', 'after'] as const)(
    'stops the camera of a start whose token is refused, granted %s that failure (as on the hooks path)',
    async (when) => {
      const { generator, calls } = controlledGenerator();
      const { room, connect } = roomWithoutServer();
      const { session } = renderSession({ generator, room, roomName: 'standup', camera: true, microphone: false, prefetch: false });
      act(() => void session().start());
      await waitFor(() => expect(calls).toHaveLength(1));
      await waitFor(() => expect(media.getUserMedia).toHaveBeenCalled());
      if (when === 'before') act(() => media.grant());
      await flush();
      act(() => calls[0]!.reject(Object.assign(new Error('Unauthorized'), { status: 401 })));
      await waitFor(() => expect(session().error).not.toBeNull());
      if (when === 'after') act(() => media.grant());
      await flush();

      expect(media.tracks).toHaveLength(1);
      expect(media.live()).toEqual([]);
      expect(connect).not.toHaveBeenCalled();
    },
  );

  it('lets a connect under way finish when end() comes, then leaves the room it connected to', async () => {
    const session = renderConnectingSession();
    await cameraGranted();
    await session.tokenArrives();
    await waitFor(() => expect(session.room.state).toBe('connecting'));

    act(() => void session.session().end());
    await flush();
    expect(media.live()).toEqual([]);
    expect(session.session()).toMatchObject({ isStarting: false, isEnding: true });
    expect(session.room.state).toBe('connecting');

    await session.finishConnecting();
    await flush();
    expect(session.room.state).toBe('disconnected');
    expect(session.session()).toMatchObject({ isStarting: false, isEnding: false, error: null });
  });

  it('cuts off a connect still not done 1.5 s after end()', async () => {
    const session = renderConnectingSession();
    await session.tokenArrives();
    await waitFor(() => expect(session.room.state).toBe('connecting'));
    act(() => void session.session().end());
    await flush();
    expect(session.room.state).toBe('connecting');
    await waitFor(() => expect(session.room.state).toBe('disconnected'), { timeout: 3_000 });
    await waitFor(() => expect(session.session()).toMatchObject({ isStarting: false, isEnding: false, error: null }));
  });

  it('never publishes the camera of a start abandoned while the camera was being granted, also not into the next session', async () => {
    const { room } = roomWithoutServer();
    const publishTrack = vi.spyOn(room.localParticipant, 'publishTrack').mockResolvedValue(undefined as never);
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', camera: true, microphone: false });
    act(() => void session().start());
    await waitFor(() => expect(room.state).toBe('connected'));
    // The user leaves and joins again while the first camera prompt is still open.
    act(() => void session().restart());
    await waitFor(() => expect(media.getUserMedia).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(room.state).toBe('connected'));

    act(() => media.grant());
    await flush();

    expect(publishTrack).toHaveBeenCalledTimes(1);
    const [published] = publishTrack.mock.calls[0]!;
    expect((published as LocalTrack).mediaStreamTrack.readyState).toBe('live');
  });

  it('disconnects and stops the camera when the provider unmounts while connecting', async () => {
    const session = renderConnectingSession();
    await cameraGranted();
    await session.tokenArrives();
    await waitFor(() => expect(session.room.state).toBe('connecting'));

    session.unmount();
    await session.finishConnecting();
    await flush();

    expect(session.room.state).toBe('disconnected');
    expect(media.live()).toEqual([]);
  });
});

type Step = 'token arrives' | 'camera granted' | 'connect completes' | 'user leaves';
const STEPS: Step[] = ['token arrives', 'camera granted', 'connect completes', 'user leaves'];

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

// Four events, every order (24), and both ways of leaving: few enough to try them all.
const orders = permutations(STEPS).flatMap((steps) =>
  (['end()', 'unmount'] as const).map((leave) => ({ steps, leave, name: `${steps.join(', ')} (${leave})` })),
);

describe('CustomTokenSessionProvider leaves nothing behind, in every order of events', () => {
  for (const { steps, leave, name } of orders) {
    it(name, async () => {
      const session = renderConnectingSession();
      let left = false;
      let tokenBeforeLeaving = false;
      let connectCompleted = false;
      for (const step of steps) {
        if (step === 'token arrives') {
          tokenBeforeLeaving = !left;
          await session.tokenArrives({ unmounted: left && leave === 'unmount' });
        } else if (step === 'camera granted') await cameraGranted({ left });
        else if (step === 'connect completes') {
          connectCompleted = true;
          await session.finishConnecting();
        } else {
          left = true;
          if (leave === 'unmount') session.unmount();
          else act(() => void session.session().end());
        }
        await flush();
        if (!left) continue;
        // At once, whatever is still pending (a permission prompt, say): no device capturing, and the start given up.
        expect(media.live()).toEqual([]);
        if (leave === 'end()') expect(session.session()).toMatchObject({ isStarting: false, error: null });
        // A connect under way when end() came is left to finish, then left; anything else is over at once.
        const connectUnderWay = leave === 'end()' && tokenBeforeLeaving && !connectCompleted;
        if (!connectUnderWay) expect(session.room.state).toBe('disconnected');
        if (!connectUnderWay && leave === 'end()') expect(session.session().isEnding).toBe(false);
      }

      expect(media.live()).toEqual([]);
      expect(session.room.state).toBe('disconnected');
      if (!tokenBeforeLeaving) expect(session.connect).not.toHaveBeenCalled();
    });
  }
});
