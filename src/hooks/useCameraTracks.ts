import type { TrackReferenceOrPlaceholder } from '@livekit/components-react';
import * as React from 'react';
import { useCameraTracksContext } from '../context/CameraTracksContext.js';

/**
 * Options of {@link useCameraTracks}.
 *
 * @example
 * ```tsx
 * import { useCameraTracks, type UseCameraTracksOptions } from 'livekit-custom-token-react';
 *
 * const SUBSCRIBED: UseCameraTracksOptions = { onlySubscribed: true, placeholders: false };
 *
 * // Inside <CustomTokenSessionProvider>. A camera turned off stays published, muted:
 * export function CameraCount() {
 *   const on = useCameraTracks(SUBSCRIBED).filter((track) => !track.publication?.isMuted);
 *   return <span>{on.length} cameras on</span>;
 * }
 * ```
 */
export interface UseCameraTracksOptions {
  /** Leave out (or, with `placeholders`, show as placeholders) remote cameras not subscribed to. @defaultValue false */
  onlySubscribed?: boolean | undefined;
  /** Include a placeholder for each participant without a camera. @defaultValue true */
  placeholders?: boolean | undefined;
}

/**
 * What {@link useCameraTracks} returns: camera track references (or placeholders), for `VideoTrack` or LiveKit's layouts.
 *
 * @example
 * ```tsx
 * import { isTrackReference } from '@livekit/components-react';
 * import { useCameraTracks, type UseCameraTracksReturn } from 'livekit-custom-token-react';
 *
 * // A camera turned off stays published, muted.
 * const camerasOn = (tracks: UseCameraTracksReturn) => tracks.filter((track) => isTrackReference(track) && !track.publication.isMuted).length;
 * // Inside <CustomTokenSessionProvider>:
 * export function CameraCount() {
 *   return <span>{camerasOn(useCameraTracks())} cameras on</span>;
 * }
 * ```
 */
export type UseCameraTracksReturn = readonly TrackReferenceOrPlaceholder[];

/**
 * Camera track references of everyone in the session — the local participant, remote ones and
 * an agent's avatar — for `VideoTrack` or LiveKit's `GridLayout`. Re-renders only on
 * camera-related room events (a camera published, subscribed, turned off or on, or a participant
 * joining, leaving or renamed: a tile shows the name — and livekit-client pausing or resuming sending your camera, which the OS paused: `isUpstreamPaused` on its publication), not on speaking, metadata or agent state
 * changes. Empty while disconnected. A camera turned off stays in the list, published and muted
 * (`publication.isMuted`), as in LiveKit's `useTracks`; so does a remote camera not subscribed to
 * (no `publication.track`). `CameraGrid` shows either as a placeholder.
 *
 * @throws a `CustomTokenError` with code `outside_provider` outside `<CustomTokenSessionProvider>`.
 * @example
 * ```tsx
 * import { isTrackReference, VideoTrack } from '@livekit/components-react';
 * import { useCameraTracks } from 'livekit-custom-token-react';
 *
 * // Inside <CustomTokenSessionProvider>:
 * export function Cameras() {
 *   const tracks = useCameraTracks({ onlySubscribed: true });
 *   return tracks.map((track) =>
 *     isTrackReference(track) ? <VideoTrack key={track.publication.trackSid} trackRef={track} /> : null,
 *   );
 * }
 * ```
 */
export function useCameraTracks(options: UseCameraTracksOptions = {}): UseCameraTracksReturn {
  const { onlySubscribed = false, placeholders = true } = options;
  const all = useCameraTracksContext('useCameraTracks');
  return React.useMemo(() => {
    if (!onlySubscribed && placeholders) return all;
    return all.flatMap((reference) => {
      const visible = reference.publication && (!onlySubscribed || reference.participant.isLocal || reference.publication.isSubscribed);
      if (visible) return [reference];
      return placeholders ? [{ participant: reference.participant, source: reference.source }] : [];
    });
  }, [all, onlySubscribed, placeholders]);
}
