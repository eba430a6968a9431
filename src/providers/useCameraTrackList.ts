import { useTracks, type TrackReferenceOrPlaceholder } from '@livekit/components-react';
import { ConnectionState, RoomEvent, Track, TrackEvent, type LocalTrackPublication, type Room } from 'livekit-client';
import * as React from 'react';
import { useStableTrackReferences } from './useStableTrackReferences.js';

// Module-level reads of livekit-client's enums, marked pure so that tree-shaking drops them with the provider.
const CAMERA_WITH_PLACEHOLDER = /* @__PURE__ */ (() => [{ source: Track.Source.Camera, withPlaceholder: true }])();
const NONE: readonly TrackReferenceOrPlaceholder[] = [];
/** The room events that can change the camera list; others (speaking, metadata, …) are not listened to. */
const CAMERA_EVENTS = /* @__PURE__ */ (() => [
  RoomEvent.ParticipantConnected,
  RoomEvent.ParticipantDisconnected,
  RoomEvent.TrackPublished,
  RoomEvent.TrackUnpublished,
  RoomEvent.TrackSubscribed,
  RoomEvent.TrackUnsubscribed,
  RoomEvent.LocalTrackPublished,
  RoomEvent.LocalTrackUnpublished,
  // A camera turned off stays published, muted: its tile shows the placeholder.
  RoomEvent.TrackMuted,
  RoomEvent.TrackUnmuted,
  // A tile shows the participant's name (an agent's may come after it joined).
  RoomEvent.ParticipantNameChanged,
  RoomEvent.ConnectionStateChanged,
])();

/**
 * Every camera track reference of the room — local and remote, published or not yet, with a
 * placeholder for a participant without a camera — empty while disconnected. The same array
 * until a camera-related change, a track being subscribed or unsubscribed, a participant
 * renamed and your camera paused by the OS included.
 */
export function useCameraTrackList(room: Room, connectionState: ConnectionState): readonly TrackReferenceOrPlaceholder[] {
  const tracks = useTracks(CAMERA_WITH_PLACEHOLDER, { room, onlySubscribed: false, updateOnlyOn: CAMERA_EVENTS });
  // A render as livekit-client pauses or resumes sending your camera, which it changes in place and tells no room event.
  React.useSyncExternalStore(
    React.useCallback((onChange: () => void) => followUpstreamPauses(room, onChange), [room]),
    () => pausedLocalTracks(room),
    () => '',
  );
  const visible = connectionState === ConnectionState.Disconnected ? NONE : tracks;
  return useStableTrackReferences(visible);
}

/**
 * Calls `onChange` as livekit-client pauses or resumes sending a local track (its `isUpstreamPaused`):
 * it does when the OS pauses the camera (the browser mutes its track for 5 s), and tells the server
 * it is muted — everyone else's tile of it is the placeholder — but no room event tells the app.
 * A track is followed while it is published (each the room announces once): every camera and screen
 * share of an all-day call is let go as it is unpublished.
 */
function followUpstreamPauses(room: Room, onChange: () => void): () => void {
  const follow = ({ track }: LocalTrackPublication) =>
    track?.on(TrackEvent.UpstreamPaused, onChange).on(TrackEvent.UpstreamResumed, onChange);
  const unfollow = ({ track }: LocalTrackPublication) =>
    track?.off(TrackEvent.UpstreamPaused, onChange).off(TrackEvent.UpstreamResumed, onChange);
  room.localParticipant.trackPublications.forEach(follow);
  room.on(RoomEvent.LocalTrackPublished, follow).on(RoomEvent.LocalTrackUnpublished, unfollow);
  return () => {
    room.off(RoomEvent.LocalTrackPublished, follow).off(RoomEvent.LocalTrackUnpublished, unfollow);
    room.localParticipant.trackPublications.forEach(unfollow);
  };
}

/** The local tracks whose sending is paused, as a string a render can compare. */
const pausedLocalTracks = (room: Room): string =>
  [...room.localParticipant.trackPublications.values()]
    .filter((publication) => publication.isUpstreamPaused)
    .map((publication) => publication.trackSid)
    .join();
