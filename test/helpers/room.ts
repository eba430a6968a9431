import { act } from '@testing-library/react';
import { LeaveRequest, LeaveRequest_Action, TrackInfo, TrackSource, TrackType } from '@livekit/protocol';
import {
  ConnectionError,
  ConnectionState,
  type DisconnectReason,
  type LocalParticipant,
  type LocalTrack,
  LocalTrackPublication,
  ParticipantEvent,
  ParticipantKind,
  RemoteParticipant,
  RemoteTrackPublication,
  RemoteVideoTrack,
  Room,
  RoomEvent,
  Track,
  TrackEvent,
} from 'livekit-client';
import { vi } from 'vitest';
import { mintingGenerator } from './generators';
import type { MintOptions } from './tokens';

/**
 * A real `Room` whose `connect` skips only the network (unit tests have no LiveKit server):
 * the room goes through its own state machine to `connected`, or throws `failWith`. With
 * `connecting`, it stays `connecting` until that promise resolves, and — as LiveKit's own
 * `connect` does — rejects with a cancelled `ConnectionError` when disconnected meanwhile.
 * Everything else — `disconnect`, events, participants — is livekit-client's own code.
 * `connect` is returned as a spy, to count connection attempts. LiveKit's pre-warm
 * (`prepareConnection`, an HTTP HEAD to the token's server URL) is network too, and skipped.
 */
export function roomWithoutServer(options: { failWith?: Error; connecting?: Promise<void> } = {}) {
  const room = new Room();
  vi.spyOn(room, 'prepareConnection').mockResolvedValue();
  const connect = vi.spyOn(room, 'connect').mockImplementation(async () => {
    if (options.failWith) throw options.failWith;
    room['setAndEmitConnectionState'](ConnectionState.Connecting);
    // As livekit-client's own connect once the server answered the join: the room forwards the
    // local participant's events (a track of yours published, muted, …) from here on.
    room['setupLocalParticipantEvents']();
    if (options.connecting) {
      await Promise.race([options.connecting, new Promise((resolve) => room.once(RoomEvent.Disconnected, resolve))]);
      if (room.state === ConnectionState.Disconnected) throw ConnectionError.cancelled('Client initiated disconnect');
    }
    room['setAndEmitConnectionState'](ConnectionState.Connected);
    room.emit(RoomEvent.Connected);
  });
  return { room, connect };
}

/** What of a local participant {@link publishWithoutServer} reaches: private in livekit-client's types. */
interface LocalParticipantInternals {
  waitUntilEngineConnected(): Promise<void>;
  publish(track: LocalTrack): Promise<LocalTrackPublication>;
  addTrackPublication(publication: LocalTrackPublication): void;
  onTrackMuted(track: LocalTrack, muted?: boolean): void;
  onTrackUnmuted(track: LocalTrack): void;
  handleTrackEnded(track: LocalTrack): void;
  onTrackUpstreamPaused(track: LocalTrack): void;
  onTrackUpstreamResumed(track: LocalTrack): void;
}

/**
 * livekit-client's own publishing of local tracks (`publishTrack`, `setCameraEnabled`,
 * `unpublishTrack`) on a {@link roomWithoutServer}: only the server's part is stood in for. Each
 * publish is answered with a track sid once `answer(track)` resolves (at once unless given), and
 * then — as livekit-client's private `publish` does with the server's answer — the track is followed
 * (muted, ended, upstream paused), its publication made, added and announced. The rest (the
 * source's lock, `getUserMedia`, mute, unpublish and its events) is livekit-client's code.
 */
export function publishWithoutServer(room: Room, answer: (track: LocalTrack) => Promise<void> = async () => {}) {
  const participant = room.localParticipant as unknown as LocalParticipantInternals & { emit: LocalParticipant['emit'] };
  vi.spyOn(participant, 'waitUntilEngineConnected').mockResolvedValue();
  let published = 0;
  return vi.spyOn(participant, 'publish').mockImplementation(async (track) => {
    track
      .on(TrackEvent.Muted, participant.onTrackMuted)
      .on(TrackEvent.Unmuted, participant.onTrackUnmuted)
      .on(TrackEvent.Ended, participant.handleTrackEnded)
      .on(TrackEvent.UpstreamPaused, participant.onTrackUpstreamPaused)
      .on(TrackEvent.UpstreamResumed, participant.onTrackUpstreamResumed);
    await answer(track);
    const info = new TrackInfo({
      sid: `TR_local_${(published += 1)}`,
      name: track.source,
      type: track.kind === Track.Kind.Video ? TrackType.VIDEO : TrackType.AUDIO,
      source: Track.sourceToProto(track.source),
      muted: track.isMuted,
    });
    const publication = new LocalTrackPublication(track.kind, info, track);
    track.sid = info.sid;
    // What sends the track (livekit-client's transceiver): pausing the upstream and a restart swap its track.
    track.sender = { replaceTrack: async () => {}, getParameters: () => ({ encodings: [] }), setParameters: async () => {} } as never;
    participant.addTrackPublication(publication);
    participant.emit(ParticipantEvent.LocalTrackPublished, publication);
    return publication;
  });
}

/**
 * A real `Room` whose `connect` is livekit-client's own but for the network: the first attempt's
 * signal connection joins at once (the server has the participant) and its peer connection never
 * comes up, so livekit-client waits for it — until the attempt is aborted, or its peer-connection
 * timeout (15 s) — as it does in a browser; later attempts connect. `serverLeaves(reason)` is the
 * server's leave arriving on that signal connection (livekit-client's own handling of it).
 * `attempts` counts connection attempts. jsdom has no WebRTC: the test stubs `RTCPeerConnection`.
 */
export function roomStuckOnPeerConnection() {
  const room = new Room();
  vi.spyOn(room, 'prepareConnection').mockResolvedValue();
  const attempts = vi.spyOn(room as unknown as { attemptConnection: AttemptConnection }, 'attemptConnection');
  attempts.mockImplementation(async (_url, _token, _options, abortController) => {
    room['maybeCreateEngine']();
    // What the engine's `join` does before it opens the signal connection.
    room['engine']['setupSignalClientCallbacks']();
    if (attempts.mock.calls.length > 1) {
      room['setAndEmitConnectionState'](ConnectionState.Connected);
      room.emit(RoomEvent.Connected);
      return;
    }
    await new Promise<void>((_resolve, reject) => {
      const timeout = setTimeout(() => reject(ConnectionError.internal('could not establish pc connection')), 15_000);
      abortController.signal.addEventListener('abort', () => {
        clearTimeout(timeout);
        reject(ConnectionError.cancelled('room connection has been cancelled'));
      });
    });
  });
  const serverLeaves = (reason: DisconnectReason) =>
    act(() => room['engine'].client.onLeave?.(new LeaveRequest({ action: LeaveRequest_Action.DISCONNECT, reason })));
  return { room, attempts, serverLeaves };
}

type AttemptConnection = (url: string, token: string, options: unknown, abortController: AbortController) => Promise<void>;

/** A remote participant joins, as the room announces it. */
export function joinRemote(
  room: Room,
  identity: string,
  options: { kind?: ParticipantKind; name?: string; attributes?: Record<string, string> } = {},
) {
  return announced(() => {
    const participant = new RemoteParticipant(
      undefined as never,
      `PA_${identity}`,
      identity,
      options.name ?? identity,
      '',
      options.attributes ?? {},
      undefined,
      options.kind ?? ParticipantKind.STANDARD,
    );
    room.remoteParticipants.set(identity, participant);
    room.emit(RoomEvent.ParticipantConnected, participant);
    return participant;
  });
}

interface PublishOptions {
  autoSubscribe?: boolean;
  screenShare?: boolean;
  sid?: string;
}

/**
 * The participant publishes a camera (or, with `screenShare`, shares the screen), as participant and
 * room announce it: not subscribed to, or with `autoSubscribe` (livekit-client's default) wanted, its
 * track arriving with {@link subscribeCamera}. A second camera of the same participant needs its own `sid`.
 */
export function publishCamera(
  room: Room,
  participant: RemoteParticipant,
  {
    autoSubscribe = false,
    screenShare = false,
    sid = `TR_${participant.identity}_${screenShare ? 'screen' : 'camera'}`,
  }: PublishOptions = {},
) {
  return announced(() => {
    const info = new TrackInfo({
      sid,
      name: screenShare ? 'screen' : 'camera',
      type: TrackType.VIDEO,
      source: screenShare ? TrackSource.SCREEN_SHARE : TrackSource.CAMERA,
    });
    const publication = new RemoteTrackPublication(Track.Kind.Video, info, autoSubscribe);
    participant['addTrackPublication'](publication);
    participant.emit(ParticipantEvent.TrackPublished, publication);
    room.emit(RoomEvent.TrackPublished, publication, participant);
    return publication;
  });
}

/**
 * The local participant subscribes to `publication`: its track arrives, as publication,
 * participant and room announce it (livekit-client's `TrackSubscribed` path). jsdom has no
 * `MediaStreamTrack`, so the track wraps a stand-in; everything above it is livekit-client's own.
 */
export function subscribeCamera(room: Room, participant: RemoteParticipant, publication: RemoteTrackPublication) {
  return announced(() => {
    const mediaStreamTrack = {
      id: `MS_${publication.trackSid}`,
      kind: 'video',
      enabled: true,
      muted: false,
      readyState: 'live',
      addEventListener() {},
      removeEventListener() {},
      getSettings: () => ({}),
      stop() {},
    } as unknown as MediaStreamTrack;
    const track = new RemoteVideoTrack(mediaStreamTrack, publication.trackSid, undefined as unknown as RTCRtpReceiver, undefined);
    publication.setTrack(track);
    participant.emit(ParticipantEvent.TrackSubscribed, track, publication);
    room.emit(RoomEvent.TrackSubscribed, track, publication, participant);
    return track;
  });
}

/**
 * The local participant stops receiving `publication`'s track (unsubscribed by the app, or the
 * subscription lost): livekit-client's own `setTrack(undefined)` detaches it and the publication and
 * participant announce it, and the room announces it.
 */
export function unsubscribeCamera(room: Room, participant: RemoteParticipant, publication: RemoteTrackPublication) {
  announced(() => {
    const track = publication.track!;
    publication.setTrack(undefined);
    room.emit(RoomEvent.TrackUnsubscribed, track, publication, participant);
  });
}

/**
 * The participant turns the camera off, or on again: LiveKit's `setCameraEnabled(false)` mutes it
 * and it stays published. The server's track update reaches the publication (livekit-client's own
 * `updateInfo`, which mutes the track and has the participant announce it), and the room announces it.
 */
export function setCameraMuted(room: Room, participant: RemoteParticipant, publication: RemoteTrackPublication, muted: boolean) {
  announced(() => {
    const info = new TrackInfo({ sid: publication.trackSid, name: 'camera', type: TrackType.VIDEO, source: TrackSource.CAMERA, muted });
    publication['updateInfo'](info);
    room.emit(muted ? RoomEvent.TrackMuted : RoomEvent.TrackUnmuted, publication, participant);
  });
}

/** The participant's attributes change (an agent's `lk.agent.state`, say), as participant and room announce it. */
export function setAttributes(room: Room, participant: RemoteParticipant, attributes: Record<string, string>) {
  return announced(() => {
    participant['_setAttributes']({ ...participant.attributes, ...attributes });
    room.emit(RoomEvent.ParticipantAttributesChanged, attributes, participant);
  });
}

/** The participant's name changes (`setName`, or the server's update), as participant and room announce it. */
export function renameRemote(room: Room, participant: RemoteParticipant, name: string) {
  announced(() => {
    participant['_setName'](name);
    room.emit(RoomEvent.ParticipantNameChanged, name, participant);
  });
}

/** The participant unpublishes a track, as participant and room announce it. */
export function unpublishTrack(room: Room, participant: RemoteParticipant, publication: RemoteTrackPublication) {
  announced(() => {
    participant.unpublishTrack(publication.trackSid);
    room.emit(RoomEvent.TrackUnpublished, publication, participant);
  });
}

/**
 * The participant leaves: a disconnect the app did not ask for. `reason` is its `DisconnectReason`
 * as the server's participant update gives it (livekit-client 2.23 passes it on with the event;
 * 2.20 does not: leave it out for that).
 */
export function leaveRemote(room: Room, participant: RemoteParticipant, reason?: DisconnectReason) {
  return announced(() => {
    room.remoteParticipants.delete(participant.identity);
    room.emit(RoomEvent.ParticipantDisconnected, participant, reason);
  });
}

/**
 * The server ends the local participant's session: LiveKit's own handling of a server-side
 * disconnect (what a `leave` signal, a lost connection, `removeParticipant` or `deleteRoom` runs).
 */
export function serverDisconnects(room: Room, reason: DisconnectReason) {
  return act(() => room['handleDisconnect'](true, reason));
}

/**
 * Runs a room's announcements inside `act`, as a user's interaction would be: React commits what
 * the events change before the test reads it (and prints no act() warning). Nests inside an
 * outer `act`.
 */
function announced<T>(announce: () => T): T {
  let result!: T;
  act(() => {
    result = announce();
  });
  return result;
}

/** A generator minting real tokens for what it is asked (plus `extra`), counted by `vi.fn`. */
export function tokenGenerator(extra: MintOptions = {}) {
  return mintingGenerator(() => extra);
}
