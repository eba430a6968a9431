import { VideoTrack, isTrackReference } from '@livekit/components-react';
import * as React from 'react';
import { useCameraTracks, type UseCameraTracksOptions } from '../hooks/useCameraTracks.js';
import { classNames } from './classNames.js';

/** Props of {@link CameraGrid}. */
export interface CameraGridProps extends UseCameraTracksOptions, Omit<React.HTMLAttributes<HTMLUListElement>, 'children'> {
  /** Accessible name of the grid. @defaultValue `Cameras` */
  label?: string;
  /** Shown when there is no camera to show (e.g. while disconnected). @defaultValue nothing */
  empty?: React.ReactNode;
}

/**
 * A tile per camera of the session — local, remote and agent — each with LiveKit's `VideoTrack`
 * and the participant's name, or a placeholder with their initial when they have no camera.
 * Unstyled: classes `lk-ctr-camera-grid`, `lk-ctr-camera-tile` (`data-placeholder`, `data-local`).
 *
 * @example
 * ```tsx
 * <CustomTokenSessionProvider generator={generator} roomName="standup" camera>
 *   <CameraGrid onlySubscribed empty={<p>Nobody has a camera on yet.</p>} />
 * </CustomTokenSessionProvider>
 * ```
 */
export function CameraGrid({ onlySubscribed, placeholders, label = 'Cameras', empty, className, ...rest }: CameraGridProps) {
  const tracks = useCameraTracks({ onlySubscribed, placeholders });
  if (tracks.length === 0) return <>{empty}</>;
  return (
    <ul aria-label={label} {...rest} className={classNames('lk-ctr-camera-grid', className)}>
      {tracks.map((track) => {
        const { participant } = track;
        const name = participant.name || participant.identity;
        const hasVideo = isTrackReference(track);
        return (
          <li
            key={`${participant.identity}:${track.source}`}
            className="lk-ctr-camera-tile"
            data-placeholder={hasVideo ? undefined : ''}
            data-local={participant.isLocal ? '' : undefined}
          >
            {hasVideo ? (
              <VideoTrack trackRef={track} className="lk-ctr-camera-video" aria-label={`${name}'s camera`} />
            ) : (
              <div className="lk-ctr-camera-placeholder" aria-hidden="true">
                {name.slice(0, 1).toUpperCase()}
              </div>
            )}
            <span className="lk-ctr-camera-name">{participant.isLocal ? `${name} (you)` : name}</span>
          </li>
        );
      })}
    </ul>
  );
}
