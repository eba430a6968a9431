import type { SessionConnectOptions } from '@livekit/components-react';
import type { RoomConnectOptions, TrackPublishOptions } from 'livekit-client';

type TrackOption = boolean | TrackPublishOptions | undefined;

/** The provider's track props as `useSession().start()` options (microphone on by default, with LiveKit's pre-connect buffer, as `useSession` does). */
export function toConnectOptions(props: {
  microphone: TrackOption;
  camera: TrackOption;
  screenShare: TrackOption;
  roomConnectOptions: RoomConnectOptions | undefined;
}): Omit<SessionConnectOptions, 'signal'> {
  return {
    tracks: {
      // `true` is the default too: with the pre-connect buffer.
      microphone: toTrack((props.microphone ?? true) === true ? { preConnectBuffer: true } : props.microphone),
      camera: toTrack(props.camera),
      screenShare: toTrack(props.screenShare),
    },
    roomConnectOptions: props.roomConnectOptions,
  };
}

function toTrack(option: TrackOption): { enabled: boolean; publishOptions?: TrackPublishOptions } {
  if (option === undefined || typeof option === 'boolean') return { enabled: option === true };
  return { enabled: true, publishOptions: option };
}
