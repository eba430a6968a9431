import { VideoTrack, isTrackReference, type TrackReferenceOrPlaceholder } from '@livekit/components-react';
import type { CameraGridLabels } from './CameraGrid.js';

/** Props of {@link CameraTile}. */
export interface CameraTileProps {
  track: TrackReferenceOrPlaceholder;
  /** Give the tile the grid's full width (an emphasised agent). */
  emphasized: boolean;
  /** The name on the tile: that of whom the camera shows (an avatar's agent), told apart from others of the same name. */
  name: string;
  /** The grid's texts, every key set (its `labels` over the English defaults). */
  labels: CameraGridLabels;
}

/**
 * One tile of `CameraGrid`: LiveKit's `VideoTrack`, or a placeholder with the participant's
 * initial while they have no camera, it is turned off or not subscribed to, and their name.
 */
export function CameraTile({ track, emphasized, name, labels }: CameraTileProps) {
  const { participant } = track;
  // No video to show for a camera turned off — it stays published, muted (LiveKit's `setCameraEnabled(false)`) —
  // nor for a remote one not subscribed to (`autoSubscribe: false`, a subscription under way, failed or ended): no track.
  // Not `publication.isEnabled`: adaptive stream pauses a track whose video is off screen, and resumes it only for a video shown.
  // Nor for yours while livekit-client has stopped sending it (the OS paused the camera): the others see it muted, you a frozen frame.
  const hasVideo =
    isTrackReference(track) &&
    track.publication.track &&
    !track.publication.isMuted &&
    !(track.publication as { isUpstreamPaused?: boolean }).isUpstreamPaused;
  return (
    <li
      className="lk-ctr-camera-tile"
      data-placeholder={hasVideo ? undefined : ''}
      data-local={participant.isLocal ? '' : undefined}
      data-agent={participant.isAgent ? '' : undefined}
      data-emphasized={emphasized ? '' : undefined}
    >
      {hasVideo ? (
        <VideoTrack trackRef={track} className="lk-ctr-camera-video" aria-label={labels.camera(name)} />
      ) : (
        <div className="lk-ctr-camera-placeholder" aria-hidden="true">
          {initial(name)}
        </div>
      )}
      <span className="lk-ctr-camera-name">
        {/* Apart from the marker after it, so that a long name cut short never cuts the marker. */}
        <span className="lk-ctr-camera-name-text">{name}</span>
        {participant.isLocal && (
          <>
            {' '}
            <span className="lk-ctr-camera-you">{labels.you}</span>
          </>
        )}
      </span>
    </li>
  );
}

/**
 * The name's first character as shown, upper-cased: an emoji sequence, a flag or a letter with its
 * accent stays whole. Where `Intl.Segmenter` is missing (Firefox before 125), the first code point.
 */
function initial(name: string): string | undefined {
  const first = typeof Intl.Segmenter === 'function' ? [...new Intl.Segmenter().segment(name)][0]?.segment : [...name][0];
  return first?.toUpperCase();
}
