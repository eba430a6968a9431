import type { TrackReferenceOrPlaceholder } from '@livekit/components-react';
import { shallowEqual } from '../core/shallowEqual.js';
import { useEqualValue } from '../hooks/internal/useEqualValue.js';

/**
 * What a tile shows of a track reference, read now. A participant and a publication are objects
 * that livekit-client changes in place — `name` on `ParticipantNameChanged`, `track` and
 * `isSubscribed` on `TrackSubscribed`, `isMuted` on `TrackMuted`, a local one's `isUpstreamPaused` as
 * the OS pauses the camera — so two references to them must
 * be compared by what they showed when they were made, not by reading the (same) objects twice.
 */
type Snapshot = readonly [
  participant: unknown,
  name: string | undefined,
  source: unknown,
  publication: unknown,
  track: unknown,
  subscribed: boolean | undefined,
  muted: boolean | undefined,
  upstreamPaused: boolean | undefined,
];

function snapshotOf(reference: TrackReferenceOrPlaceholder | undefined): Snapshot {
  const publication = reference?.publication;
  return [
    reference?.participant,
    reference?.participant.name,
    reference?.source,
    publication,
    publication?.track,
    publication?.isSubscribed,
    publication?.isMuted,
    (publication as { isUpstreamPaused?: boolean } | undefined)?.isUpstreamPaused,
  ];
}

interface Kept<T> {
  value: T;
  snapshots: readonly Snapshot[];
}

function sameSnapshots<T>(a: Kept<T>, b: Kept<T>): boolean {
  return a.snapshots.length === b.snapshots.length && a.snapshots.every((snapshot, index) => shallowEqual(snapshot, b.snapshots[index]));
}

/**
 * `list` (a new array: livekit-client may have changed what the same one holds), or the previously
 * returned list while every reference shows the same participant (and name), source, publication,
 * track, subscription, mute and paused upstream as when that list was returned.
 */
export function useStableTrackReferences(list: readonly TrackReferenceOrPlaceholder[]): readonly TrackReferenceOrPlaceholder[] {
  return useEqualValue<Kept<readonly TrackReferenceOrPlaceholder[]>>({ value: [...list], snapshots: list.map(snapshotOf) }, sameSnapshots)
    .value;
}

/** {@link useStableTrackReferences} for one optional reference (an agent's camera or microphone). */
export function useStableTrackReference<T extends TrackReferenceOrPlaceholder | undefined>(reference: T): T {
  return useEqualValue<Kept<T>>({ value: reference, snapshots: [snapshotOf(reference)] }, sameSnapshots).value;
}
