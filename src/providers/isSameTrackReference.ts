import type { TrackReferenceOrPlaceholder } from '@livekit/components-react';

/** Same participant, source, publication and (un)subscribed track: nothing a tile shows has changed. */
export function isSameTrackReference(a: TrackReferenceOrPlaceholder | undefined, b: TrackReferenceOrPlaceholder | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.participant === b.participant && a.source === b.source && a.publication === b.publication && a.publication?.track === b.publication?.track;
}
