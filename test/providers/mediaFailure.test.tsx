import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
