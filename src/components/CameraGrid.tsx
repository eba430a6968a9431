import type { TrackReferenceOrPlaceholder } from '@livekit/components-react';
import type { Participant } from 'livekit-client';
import * as React from 'react';
import { useCameraTracks, type UseCameraTracksOptions } from '../hooks/useCameraTracks.js';
import { CameraTile } from './CameraTile.js';
import { classNames } from './classNames.js';
import { withDefaults } from './withDefaults.js';

/**
 * Props of {@link CameraGrid}.
 *
 * @example
 * ```tsx
 * import { CameraGrid, type CameraGridProps } from 'livekit-custom-token-react';
 *
 * // Inside <CustomTokenSessionProvider>:
 * export function Stage(props: CameraGridProps) {
 *   return <CameraGrid label="Stage" emphasizeAgent empty={<p>No cameras yet.</p>} {...props} />;
 * }
 * ```
 */
export interface CameraGridProps extends UseCameraTracksOptions, Omit<React.HTMLAttributes<HTMLUListElement>, 'children'> {
  /** Accessible name of the grid. @defaultValue "Cameras" */
  label?: string | undefined;
  /** Shown when there is no camera to show (e.g. while disconnected). @defaultValue nothing */
  empty?: React.ReactNode | undefined;
  /** Put the agent's tile first, across the grid's full width, the others below it. @defaultValue false */
  emphasizeAgent?: boolean | undefined;
  /**
   * The tiles' texts, for an app in another language: any of `CameraGridLabels`, the
   * others English. The grid's own name is `label`.
   * @defaultValue "(you)", "Agent", "Hedy's camera" and "Hedy (2)"
   */
  labels?: Partial<CameraGridLabels> | undefined;
}

/**
 * The texts {@link CameraGrid} shows on its tiles or gives a screen reader, with their English defaults.
 *
 * @example
 * ```tsx
 * import { CameraGrid, type CameraGridLabels } from 'livekit-custom-token-react';
 *
 * const GERMAN: CameraGridLabels = { you: '(du)', agent: 'Assistent', camera: (name) => `Kamera von ${name}` };
 *
 * // Inside <CustomTokenSessionProvider>:
 * export const Kameras = () => <CameraGrid label="Kameras" labels={GERMAN} />;
 * ```
 */
export interface CameraGridLabels {
  /** After your own name on your tile, whole even when a long name is cut short. @defaultValue "(you)" */
  you: string;
  /** The name of an agent that has none of its own (never its generated identity). @defaultValue "Agent" */
  agent: string;
  /** The accessible name of a participant's video, given the name on its tile. @defaultValue "Hedy's camera" for Hedy */
  camera: (name: string) => string;
  /**
   * The name on the tile of a second, third… participant of the same name (`ordinal` 2, 3…), so that
   * a screen reader tells them apart; the first keeps their name. Optional, for `CameraGridLabels`
   * written before it.
   * @defaultValue "Hedy (2)"
   */
  sameName?: ((name: string, ordinal: number) => string) | undefined;
}

const DEFAULT_LABELS: Required<CameraGridLabels> = {
  you: '(you)',
  agent: 'Agent',
  camera: (name) => `${name}'s camera`,
  sameName: (name, ordinal) => `${name} (${ordinal})`,
};

/**
 * A tile per camera of the session — local, remote and agent — each with LiveKit's `VideoTrack`
 * and the participant's name, or a placeholder with their initial when they have no camera, it is
 * turned off, or it is not subscribed to (`autoSubscribe: false`, a subscription under way, failed
 * or ended): never an empty video — nor a frozen one: your camera paused by the OS is the placeholder
 * once livekit-client stops sending it, as for everyone else. The video shows once its track arrives. Participants of the same
 * name are told apart, "Hedy" and "Hedy (2)" (in the order of their identities, the same for
 * everyone in the call).
 *
 * The tiles fill the width they are given in a near-square arrangement (1 tile: one column;
 * 2–4: two; 5–9: three; 10–16: four), fewer columns where tiles would be narrower than
 * `--lk-ctr-tile-min`. Unstyled without the package's stylesheet: classes `lk-ctr-camera-grid`,
 * `lk-ctr-camera-tile` (`data-placeholder`, `data-local`, `data-agent`, `data-emphasized`), the name
 * `lk-ctr-camera-name` (the name itself `lk-ctr-camera-name-text`, your "(you)" `lk-ctr-camera-you`),
 * and the column count in the `--lk-ctr-columns` custom property. Its texts in another language:
 * `label` and `labels`.
 *
 * @example
 * ```tsx
 * import { CameraGrid, CustomTokenSessionProvider } from 'livekit-custom-token-react';
 *
 * export const App = () => (
 *   <CustomTokenSessionProvider tokenEndpoint="/api/livekit-token" roomName="standup" camera>
 *     <CameraGrid emphasizeAgent empty={<p>Nobody has a camera on yet.</p>} />
 *   </CustomTokenSessionProvider>
 * );
 * ```
 */
export function CameraGrid({
  onlySubscribed,
  placeholders,
  label = 'Cameras',
  empty,
  emphasizeAgent = false,
  labels,
  className,
  style,
  ...rest
}: CameraGridProps) {
  const all = useCameraTracks({ onlySubscribed, placeholders });
  // Everyone in the call (a placeholder each): the agent an avatar shows may have no tile of its own here, and
  // a participant of the same name none either, yet counts as the first of that name.
  const everyone = useCameraTracks();
  const tracks = React.useMemo(() => withAvatars(all), [all]);
  const ordered = React.useMemo(() => (emphasizeAgent ? agentFirst(tracks) : tracks), [tracks, emphasizeAgent]);
  if (ordered.length === 0) return <>{empty}</>;
  const spotlight = emphasizeAgent && ordered[0]?.participant.isAgent === true;
  const columns = spotlight ? Math.max(3, columnsFor(ordered.length - 1)) : columnsFor(ordered.length);
  const keys = tileKeys(ordered);
  const texts = withDefaults(DEFAULT_LABELS, labels);
  const shownAs = (track: TrackReferenceOrPlaceholder) =>
    everyone.find(({ participant }) => participant.identity === onBehalfOf(track))?.participant ?? track.participant;
  const names = tileNames(
    everyone.map(({ participant }) => participant),
    texts,
  );
  return (
    <ul
      // Explicit: WebKit exposes a <ul> without visible markers (the stylesheet's list-style: none) as a group, not a list.
      role="list"
      aria-label={label}
      {...rest}
      className={classNames('lk-ctr-camera-grid', className)}
      style={{ ...style, '--lk-ctr-columns': columns } as React.CSSProperties}
    >
      {ordered.map((track, index) => (
        <CameraTile
          key={keys[index]}
          track={track}
          emphasized={spotlight && index === 0}
          name={names.get(shownAs(track).identity)!}
          labels={texts}
        />
      ))}
    </ul>
  );
}

/**
 * A key per tile: a camera's is its publication (a participant may publish two), a placeholder's
 * its place among the participant's placeholders (with `onlySubscribed`, one per camera not
 * subscribed to). Keys that repeat leave tiles behind when the cameras change.
 */
function tileKeys(tracks: readonly TrackReferenceOrPlaceholder[]): string[] {
  const placeholders = new Map<string, number>();
  return tracks.map(({ participant: { identity }, publication }) => {
    if (publication) return `${identity}:${publication.trackSid}`;
    const place = placeholders.get(identity) ?? 0;
    placeholders.set(identity, place + 1);
    return `${identity}:placeholder-${place}`;
  });
}

/**
 * The name on each participant's tile, by identity: their own (see {@link displayName}), and for
 * the second, third… in the call of the same name `sameName(name, 2)`, … in the order of their
 * identities — not of the tiles, which move as cameras are published — so that a name never passes
 * from one participant to another while both stay.
 */
function tileNames(people: readonly Participant[], labels: Required<CameraGridLabels>): Map<string, string> {
  const names = new Map<string, string>();
  const ordinals = new Map<string, number>();
  for (const person of [...people].sort((a, b) => (a.identity < b.identity ? -1 : 1))) {
    if (names.has(person.identity)) continue; // their second camera
    const name = displayName(person, labels.agent);
    const ordinal = (ordinals.get(name) ?? 0) + 1;
    ordinals.set(name, ordinal);
    names.set(person.identity, ordinal === 1 ? name : labels.sameName(name, ordinal));
  }
  return names;
}

/** A person's name, else their identity; an agent's name, else `agent` ("Agent": its identity is generated). */
function displayName({ name, identity, isAgent }: Participant, agent: string): string {
  if (!isAgent) return name || identity;
  return name && name !== identity ? name : agent;
}

/** Whom an avatar worker publishes for (LiveKit's avatar plugins publish the agent's camera from a participant of their own). */
const onBehalfOf = ({ participant }: TrackReferenceOrPlaceholder) => participant.attributes['lk.publish_on_behalf'];

/** An avatar's camera is its agent's tile: no placeholder for an avatar worker, nor for an agent its avatar shows. */
function withAvatars(tracks: readonly TrackReferenceOrPlaceholder[]): readonly TrackReferenceOrPlaceholder[] {
  const shown = new Set(tracks.map((track) => track.publication && onBehalfOf(track)));
  return tracks.filter((track) => track.publication || !(onBehalfOf(track) || shown.has(track.participant.identity)));
}

/** The smallest square arrangement that holds `count` tiles. */
function columnsFor(count: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(count)));
}

function agentFirst(tracks: readonly TrackReferenceOrPlaceholder[]): readonly TrackReferenceOrPlaceholder[] {
  const index = tracks.findIndex((track) => track.participant.isAgent);
  return index <= 0 ? tracks : [tracks[index]!, ...tracks.slice(0, index), ...tracks.slice(index + 1)];
}
