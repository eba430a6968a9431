import type { TrackReferenceOrPlaceholder } from '@livekit/components-react';
import { createSessionContext } from './createSessionContext.js';

/**
 * Every camera track reference of the session (local and remote, with placeholders), provided by
 * `CustomTokenSessionProvider`; the same array until a camera-related change.
 */
export const {
  Context: CameraTracksContext,
  useMaybe: useMaybeCameraTracksContext,
  useRequired: useCameraTracksContext,
} = createSessionContext<readonly TrackReferenceOrPlaceholder[]>('CameraTracksContext');
