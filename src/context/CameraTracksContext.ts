import type { TrackReferenceOrPlaceholder } from '@livekit/components-react';
import { createSessionContext } from './createSessionContext.js';

const cameraTracks = createSessionContext<readonly TrackReferenceOrPlaceholder[]>('CameraTracksContext');

/**
 * Every camera track reference of the session (local and remote, with placeholders), provided by
 * `CustomTokenSessionProvider`; the same array until a camera-related change.
 */
export const CameraTracksContext = cameraTracks.Context;

/**
 * Reads the camera tracks where a `<CustomTokenSessionProvider>` may be missing: `null` outside one,
 * where `useCameraTracks` throws.
 *
 * @example
 * ```tsx
 * import { useMaybeCameraTracksContext } from 'livekit-custom-token-react';
 *
 * export function Badge() {
 *   const tracks = useMaybeCameraTracksContext();
 *   return <span>{tracks?.length ?? 0} cameras</span>;
 * }
 * ```
 */
export const useMaybeCameraTracksContext = cameraTracks.useMaybe;

/** Reads the camera tracks; outside a `<CustomTokenSessionProvider>` it throws, naming the hook that asked. */
export const useCameraTracksContext = cameraTracks.useRequired;
