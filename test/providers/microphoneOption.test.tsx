import { act, waitFor } from '@testing-library/react';
import { LocalAudioTrack } from 'livekit-client';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { fakeMediaDevices } from '../helpers/media';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession } from './render';

/**
 * What `start()` does with the microphone for the provider's `microphone` prop: the publish
 * options it hands to livekit-client's `publishTrack` (where the network begins), and whether the
 * track's pre-connect buffer (livekit-client's `startPreConnectBuffer`, which records with the
 * browser's `MediaRecorder`, absent in jsdom) was started.
 */
async function microphoneAsPublished(props: { microphone?: boolean }) {
  const media = fakeMediaDevices();
  onTestFinished(() => media.uninstall());
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
