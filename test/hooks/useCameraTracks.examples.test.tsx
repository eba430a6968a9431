import { isTrackReference } from '@livekit/components-react';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useCameraTracks, type UseCameraTracksOptions, type UseCameraTracksReturn } from '../../src/hooks/useCameraTracks';
import { joinRemote, publishCamera, roomWithoutServer, setCameraMuted, subscribeCamera, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from '../providers/render';

// The TSDoc examples of src/hooks/useCameraTracks.ts, as written.
const SUBSCRIBED: UseCameraTracksOptions = { onlySubscribed: true, placeholders: false };

// A camera turned off stays published, muted:
function CameraCount() {
  const on = useCameraTracks(SUBSCRIBED).filter((track) => !track.publication?.isMuted);
  return <span>{on.length} cameras on</span>;
}

// A camera turned off stays published, muted.
const camerasOn = (tracks: UseCameraTracksReturn) => tracks.filter((track) => isTrackReference(track) && !track.publication.isMuted).length;
function AllCameraCount() {
  return <span>{camerasOn(useCameraTracks())} cameras on</span>;
}

describe('the useCameraTracks TSDoc examples', () => {
  it.each([
    ['UseCameraTracksOptions', CameraCount],
    ['UseCameraTracksReturn', AllCameraCount],
  ])('%s: counts a camera as on while it is, and not once it is turned off', async (_, Count) => {
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'standup', microphone: false },
      { children: <Count /> },
    );
    await settle(() => session().start());
    const bob = joinRemote(room, 'bob');
    const camera = publishCamera(room, bob, { autoSubscribe: true });
    subscribeCamera(room, bob, camera);
    expect(screen.getByText('1 cameras on')).toBeTruthy();

    // Bob turns his camera off: LiveKit mutes it, and it stays published.
    setCameraMuted(room, bob, camera, true);
    expect(screen.getByText('0 cameras on')).toBeTruthy();

    setCameraMuted(room, bob, camera, false);
    expect(screen.getByText('1 cameras on')).toBeTruthy();
  });
});
