import { VideoTrack, isTrackReference, type TrackReferenceOrPlaceholder } from '@livekit/components-react';
import type { Participant } from 'livekit-client';

/** Props of {@link CameraTile}. */
export interface CameraTileProps {
  track: TrackReferenceOrPlaceholder;
  /** Give the tile the grid's full width (an emphasised agent). */
  emphasized: boolean;
}

/**
 * One tile of `CameraGrid`: LiveKit's `VideoTrack`, or a placeholder with the participant's
 * initial while they have no camera or it is turned off, and their name. An agent is labelled
 * with its name, else "Agent" — never its generated identity.
 */
export function CameraTile({ track, emphasized }: CameraTileProps) {
  const { participant } = track;
  const name = displayName(participant);
  // A camera turned off stays published, muted (LiveKit's `setCameraEnabled(false)`): no video to show.
  const hasVideo = isTrackReference(track) && !track.publication.isMuted;
  return (
    <li
      className="lk-ctr-camera-tile"
      data-placeholder={hasVideo ? undefined : ''}
      data-local={participant.isLocal ? '' : undefined}
      data-agent={participant.isAgent ? '' : undefined}
      data-emphasized={emphasized ? '' : undefined}
    >
      {hasVideo ? (
        <VideoTrack trackRef={track} className="lk-ctr-camera-video" aria-label={`${name}'s camera`} />
      ) : (
        <div className="lk-ctr-camera-placeholder" aria-hidden="true">
          {/* The first code point, not UTF-16 unit: a name starting with an emoji or a CJK extension character keeps it whole. */}
          {[...name][0]?.toUpperCase()}
        </div>
      )}
      <span className="lk-ctr-camera-name">{participant.isLocal ? `${name} (you)` : name}</span>
    </li>
  );
}

/** A person's name, else their identity; an agent's name, else "Agent" (its identity is generated). */
function displayName({ name, identity, isAgent }: Participant): string {
  if (!isAgent) return name || identity;
  return name && name !== identity ? name : 'Agent';
}
