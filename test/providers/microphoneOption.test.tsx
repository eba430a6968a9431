import { act, waitFor } from '@testing-library/react';
import { LocalAudioTrack } from 'livekit-client';
import { describe, expect, it, vi } from 'vitest';
import { fakeMediaDevices } from '../helpers/media';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from './render';

/**
 * What `start()` does with the microphone for the provider's `microphone` prop: the publish
 * options it hands to livekit-client's `publishTrack` (where the network begins), and whether the
 * track's pre-connect buffer (livekit-client's `startPreConnectBuffer`, which records with the
 * browser's `MediaRecorder`, absent in jsdom) was started.
 */
async function microphoneAsPublished(props: { microphone?: boolean }) {
  const media = fakeMediaDevices();
  const buffering = vi.spyOn(LocalAudioTrack.prototype, 'startPreConnectBuffer').mockImplementation(() => {});
  const { room } = roomWithoutServer();
  const publishTrack = vi.spyOn(room.localParticipant, 'publishTrack').mockResolvedValue(undefined as never);
  const { session, unmount } = renderSession({ generator: tokenGenerator(), room, roomName: 'support', ...props });
  act(() => void session().start());
  await waitFor(() => expect(media.getUserMedia).toHaveBeenCalled());
  act(() => media.grant());
  await waitFor(() => expect(publishTrack).toHaveBeenCalled());
  const [, publishOptions] = publishTrack.mock.calls[0]!;
  const result = { publishOptions, preConnectBuffer: buffering.mock.calls.length > 0 };
  unmount();
  buffering.mockRestore();
  return result;
}

describe('the microphone prop', () => {
  it('`microphone` (true) is its documented default, "true (with LiveKit\'s pre-connect buffer)"', async () => {
    const byDefault = await microphoneAsPublished({});
    expect(byDefault).toEqual({ publishOptions: { preConnectBuffer: true }, preConnectBuffer: true });

    expect(await microphoneAsPublished({ microphone: true })).toEqual(byDefault);
  });
});

// README, the provider's props: `camera` — "pass publish options instead of `true` to tune"; `roomConnectOptions` — "options for `Room.connect`".
describe('the options start() hands to livekit-client', () => {
  it('publishes the camera with the publish options given as `camera`', async () => {
    const media = fakeMediaDevices();
    const { room } = roomWithoutServer();
    const publishTrack = vi.spyOn(room.localParticipant, 'publishTrack').mockResolvedValue(undefined as never);
    const { session } = renderSession({
      generator: tokenGenerator(),
      room,
      roomName: 'support',
      microphone: false,
      camera: { simulcast: false, videoCodec: 'vp9' },
    });
    act(() => void session().start());
    await waitFor(() => expect(media.getUserMedia).toHaveBeenCalled());
    act(() => media.grant());
    await waitFor(() => expect(publishTrack).toHaveBeenCalledTimes(1));
    const [track, publishOptions] = publishTrack.mock.calls[0]!;
    expect((track as { kind: string }).kind).toBe('video');
    expect(publishOptions).toEqual({ simulcast: false, videoCodec: 'vp9' });
  });

  it('connects the room with roomConnectOptions, and with their new value at the next start()', async () => {
    const { room, connect } = roomWithoutServer();
    const props = { generator: tokenGenerator(), room, roomName: 'support', microphone: false };
    const { session, rerenderWith } = renderSession({ ...props, roomConnectOptions: { autoSubscribe: false, maxRetries: 0 } });
    await settle(() => session().start());
    expect(connect).toHaveBeenCalledTimes(1);
    expect(connect.mock.calls[0]![2]).toEqual({ autoSubscribe: false, maxRetries: 0 });

    rerenderWith({ ...props, roomConnectOptions: { autoSubscribe: true, peerConnectionTimeout: 5_000 } });
    await settle(() => session().end());
    await settle(() => session().start());
    expect(connect).toHaveBeenCalledTimes(2);
    expect(connect.mock.calls[1]![2]).toEqual({ autoSubscribe: true, peerConnectionTimeout: 5_000 });
  });
});
