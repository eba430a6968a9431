import { useTracks, type TrackReferenceOrPlaceholder } from '@livekit/components-react';
import { ConnectionState, RoomEvent, Track, type Room } from 'livekit-client';
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
 * until a camera-related change, a track being subscribed or unsubscribed and a participant
 * renamed included.
 */
export function useCameraTrackList(room: Room, connectionState: ConnectionState): readonly TrackReferenceOrPlaceholder[] {
  const tracks = useTracks(CAMERA_WITH_PLACEHOLDER, { room, onlySubscribed: false, updateOnlyOn: CAMERA_EVENTS });
  const visible = connectionState === ConnectionState.Disconnected ? NONE : tracks;
  return useStableTrackReferences(visible);
}
