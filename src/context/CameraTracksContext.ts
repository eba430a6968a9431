import type { TrackReferenceOrPlaceholder } from '@livekit/components-react';
import { createSessionContext, useRequiredContext, useSessionContext } from './createSessionContext.js';

/**
 * Every camera track reference of the session (local and remote, with placeholders), provided by
 * `CustomTokenSessionProvider`; the same array until a camera-related change.
 */
export const CameraTracksContext = /* @__PURE__ */ createSessionContext<readonly TrackReferenceOrPlaceholder[]>('CameraTracksContext');

/** None while disconnected: what the provider renders on the server, read while hydrating (see `useSessionContext`). */
const NONE: readonly TrackReferenceOrPlaceholder[] = [];

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
export const useMaybeCameraTracksContext = (): readonly TrackReferenceOrPlaceholder[] | null =>
  useSessionContext(CameraTracksContext, NONE);

/** Reads the camera tracks; outside a `<CustomTokenSessionProvider>` it throws, naming the hook that asked. */
export const useCameraTracksContext = (hookName: string): readonly TrackReferenceOrPlaceholder[] =>
  useRequiredContext(CameraTracksContext, hookName, NONE);
