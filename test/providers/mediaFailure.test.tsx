import { act, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CustomTokenError } from '../../src/core/errors';
import { fakeMediaDevices } from '../helpers/media';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from './render';

/** The browser's answer to getUserMedia when the user blocked the camera (jsdom has no media devices). */
function denyCameraAccess() {
  const getUserMedia = vi.fn(async () => {
    throw new DOMException('Permission denied', 'NotAllowedError');
  });
  Object.defineProperty(navigator, 'mediaDevices', { configurable: true, value: { getUserMedia, enumerateDevices: async () => [] } });
}

describe('CustomTokenSessionProvider when the camera cannot start', () => {
  beforeEach(() => {
    denyCameraAccess();
  });
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'mediaDevices');
  });

  it('reports a blocked camera as media_failed with LiveKit’s reason and advice, not as a connection failure', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', camera: true, microphone: false });
    await settle(() => session().start());
    expect(session().error).toMatchObject({
      code: 'media_failed',
      reason: 'PermissionDenied',
      retryable: false,
      message: expect.stringContaining('Allow camera and microphone access'),
    });
    expect(navigator.mediaDevices.getUserMedia).toHaveBeenCalled();
  });
});

describe('CustomTokenSessionProvider when the browser already blocks the camera', () => {
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'mediaDevices');
    Reflect.deleteProperty(navigator, 'permissions');
  });

  it('never joins the room (nor dispatches its agent) with the token in hand: the device request fails first', async () => {
    // Blocked in the site settings: the permission says so at once; getUserMedia's refusal takes a moment.
    const getUserMedia = vi.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      throw new DOMException('Permission denied', 'NotAllowedError');
    });
    Object.defineProperty(navigator, 'mediaDevices', { configurable: true, value: { getUserMedia, enumerateDevices: async () => [] } });
    const query = vi.fn(async ({ name }: { name: string }) => ({ state: name === 'camera' ? 'denied' : 'granted' }));
    Object.defineProperty(navigator, 'permissions', { configurable: true, value: { query } });
    const { room, connect } = roomWithoutServer();
    const generator = tokenGenerator();
    const { session } = renderSession({ generator, room, roomName: 'standup', agentName: 'helper', camera: true, microphone: false });
    // The token is prefetched: start() has it at once.
    await waitFor(() => expect(generator).toHaveBeenCalledTimes(1));
    await generator.mock.results[0]!.value;

    await settle(() => session().start());

    expect(connect).not.toHaveBeenCalled();
    expect(session().error).toMatchObject({ code: 'media_failed', reason: 'PermissionDenied' });
    expect(query).toHaveBeenCalledWith({ name: 'camera' });
  });

  it('starts as usual where the Permissions API cannot say (a name it does not know throws at once)', async () => {
    Object.defineProperty(navigator, 'permissions', {
      configurable: true,
      value: {
        query: () => {
          throw new TypeError("'camera' is not a valid value for enumeration PermissionName.");
        },
      },
    });
    const media = fakeMediaDevices();
    const { room, connect } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', camera: true, microphone: false });
    act(() => void session().start());
    await waitFor(() => expect(media.getUserMedia).toHaveBeenCalled());
    act(() => media.grant());
    await waitFor(() => expect(session().isConnected).toBe(true));
    expect(connect).toHaveBeenCalledTimes(1);
    expect(session().error).toBeNull();
    await settle(() => session().end());
  });
  it('ends at once when left while the Permissions API has not answered, and the next start joins', async () => {
    // A permission query that does not answer (a browser busy with its prompt): end() must not wait on it.
    let answer: ((state: PermissionState) => void) | undefined;
    const query = vi.fn(() => new Promise<{ state: PermissionState }>((resolve) => (answer = (state) => resolve({ state }))));
    Object.defineProperty(navigator, 'permissions', { configurable: true, value: { query } });
    const media = fakeMediaDevices();
    const { room, connect } = roomWithoutServer();
    const generator = tokenGenerator();
    const { session } = renderSession({ generator, room, roomName: 'standup', camera: true, microphone: false });
    await waitFor(() => expect(generator).toHaveBeenCalledTimes(1));
    await generator.mock.results[0]!.value;

    let firstStart: Promise<void> | undefined;
    act(() => void (firstStart = session().start()));
    await waitFor(() => expect(query).toHaveBeenCalledTimes(1));
    await settle(() => session().end());
    // The abandoned start settles without an answer, having joined nothing.
    let firstSettled = false;
    void firstStart!.then(
      () => (firstSettled = true),
      () => (firstSettled = true),
    );
    await waitFor(() => expect(firstSettled, 'the abandoned start settled').toBe(true));
    act(() => media.grant());
    await waitFor(() => expect(media.live()).toEqual([]));
    expect(connect).not.toHaveBeenCalled();

    // The next start, with the browser answering at once this time, joins.
    query.mockImplementation(async () => ({ state: 'granted' }));
    act(() => void session().start());
    await waitFor(() => expect(media.getUserMedia).toHaveBeenCalledTimes(2));
    act(() => media.grant());
    await waitFor(() => expect(session().isConnected).toBe(true));
    expect(connect).toHaveBeenCalledTimes(1);
    answer?.('granted');
    await settle(() => session().end());
  });
});

describe('CustomTokenSessionProvider when the screen share picker is cancelled', () => {
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'mediaDevices');
  });

  it('reports media_failed for the screen share, with advice about picking a screen and a retry, not about camera access', async () => {
    const getDisplayMedia = vi.fn(async () => {
      throw new DOMException('Permission denied by user', 'NotAllowedError');
    });
    Object.defineProperty(navigator, 'mediaDevices', {
      configurable: true,
      value: { getDisplayMedia, getUserMedia: vi.fn(), enumerateDevices: async () => [] },
    });
    const { room, connect } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', microphone: false, screenShare: true });
    await settle(() => session().start());

    expect(getDisplayMedia).toHaveBeenCalled();
    expect(connect.mock.calls.length).toBeLessThanOrEqual(1);
    expect(session().error).toMatchObject({ code: 'media_failed', reason: 'PermissionDenied', retryable: true });
    expect(session().error?.message).toMatch(/^Could not start the screen share \(PermissionDenied\)/);
    expect(session().error?.message).not.toMatch(/camera/);
    expect(room.state).toBe('disconnected');
  });
});

describe('CustomTokenSessionProvider in a browser that cannot share the screen', () => {
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'mediaDevices');
  });

  it('reports media_failed for the screen share, not a connection failure, and not as worth trying again', async () => {
    // Mobile browsers have getUserMedia but no getDisplayMedia: livekit-client throws its DeviceUnsupportedError.
    Object.defineProperty(navigator, 'mediaDevices', {
      configurable: true,
      value: { getUserMedia: vi.fn(), enumerateDevices: async () => [] },
    });
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', microphone: false, screenShare: true });
    await settle(() => session().start());

    expect(session().error).toMatchObject({ code: 'media_failed', reason: 'Other', retryable: false });
    expect(session().error?.message).toMatch(/^Could not start the screen share/);
    expect(session().error?.message).toMatch(/cannot share the screen/);
    expect(room.state).toBe('disconnected');
  });
});

describe('CustomTokenSessionProvider on a page without media devices (not HTTPS, not localhost)', () => {
  it.each([
    ['camera', { camera: true, microphone: false }],
    ['microphone', { camera: false, microphone: true }],
    ['screen share', { camera: false, microphone: false, screenShare: true }],
  ])('reports the %s as media_failed, saying why, not as a connection failure', async (_, devices) => {
    // Browsers leave out navigator.mediaDevices outside secure contexts (as jsdom does).
    expect(navigator.mediaDevices).toBeUndefined();
    const { room, connect } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...devices });
    await settle(() => session().start());
    expect(session().error).toMatchObject({
      code: 'media_failed',
      reason: 'Other',
      retryable: false,
      message: expect.stringContaining('only over HTTPS or from localhost'),
    });
    expect(connect).not.toHaveBeenCalled();
  });
});

describe('CustomTokenSessionProvider when the camera is refused and so is the token', () => {
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'mediaDevices');
  });

  // The camera refused at once, the token endpoint's 401 a moment later: without a token there is
  // no session, whatever the camera; the user's first step is to sign in, not to allow the camera.
  it('reports the refused token (http 401), not media_failed, also when the device failure comes first', async () => {
    denyCameraAccess();
    const refused = new CustomTokenError('http', 'The token endpoint answered 401.', { status: 401 });
    const generator = vi.fn(() => new Promise<never>((_, reject) => setTimeout(() => reject(refused), 100)));
    const { room, connect } = roomWithoutServer();
    const { session } = renderSession({ generator, room, roomName: 'standup', camera: true, microphone: false, prefetch: false });

    await settle(() => session().start());

    expect(navigator.mediaDevices.getUserMedia).toHaveBeenCalled();
    expect(generator).toHaveBeenCalledTimes(1);
    expect(session().error).toMatchObject({ code: 'http', status: 401 });
    expect(connect).not.toHaveBeenCalled();
  });

  it('still reports media_failed when the token comes: the camera is then what stands in the way', async () => {
    const media = fakeMediaDevices();
    media.getUserMedia.mockImplementation(async (constraints: MediaStreamConstraints) => {
      if (constraints.video) throw new DOMException('Permission denied', 'NotAllowedError');
      return new Promise<never>(() => {});
    });
    const generator = vi.fn(tokenGenerator());
    const { room, connect } = roomWithoutServer();
    const { session } = renderSession({ generator, room, roomName: 'standup', camera: true, microphone: false, prefetch: false });

    await settle(() => session().start());

    expect(session().error).toMatchObject({ code: 'media_failed', reason: 'PermissionDenied' });
    expect(connect).not.toHaveBeenCalled();
  });
});
