import { act, waitFor } from '@testing-library/react';
import { TrackEvent, type LocalTrack } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import { CameraGrid } from '../../src/components/CameraGrid';
import { fakeMediaDevices } from '../helpers/media';
import { publishWithoutServer } from '../helpers/room';
import { renderLiveSession } from '../providers/render';

describe('CameraGrid over an all-day call', () => {
  it('holds on to none of your cameras once it is unpublished: each turned on and off again is let go', async () => {
    const media = fakeMediaDevices();
    const room = await renderLiveSession(<CameraGrid />);
    publishWithoutServer(room);
    const participant = room.localParticipant;
    const unpublished: LocalTrack[] = [];
    for (let turnedOn = 1; turnedOn <= 3; turnedOn += 1) {
      const enabling = participant.setCameraEnabled(true);
      await waitFor(() => expect(media.getUserMedia).toHaveBeenCalledTimes(turnedOn), { timeout: 3_000 });
      media.grant();
      const track = (await act(() => enabling))!.track!;
      // Published, it is followed for the OS pausing it (beside livekit-client's own listener).
      expect(track.listenerCount(TrackEvent.UpstreamPaused)).toBe(2);
      await act(() => participant.unpublishTrack(track));
      unpublished.push(track);
    }

    expect(
      unpublished.map((track) => track.listenerCount(TrackEvent.UpstreamPaused) + track.listenerCount(TrackEvent.UpstreamResumed)),
    ).toEqual([0, 0, 0]);
  });
});
