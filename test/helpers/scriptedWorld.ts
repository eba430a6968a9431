import { TrackInfo, TrackType } from '@livekit/protocol';
import {
  ConnectionError,
  ConnectionState,
  DisconnectReason,
  LocalTrackPublication,
  ParticipantEvent,
  ParticipantKind,
  Room,
  RoomEvent,
  Track,
  type LocalTrack,
  type RemoteParticipant,
} from 'livekit-client';
import { createHmac } from 'node:crypto';
import { vi } from 'vitest';
import type { TokenGenerator, TokenRequest } from '../../src/core/types';
import { joinRemote, leaveRemote, setAttributes } from './room';
import { API_KEY, API_SECRET, SERVER_URL } from './tokens';

/** How the generator answers a call: a token, a network failure (retryable) or a 401 (fatal). */
export type TokenOutcome = 'resolves' | 'rejects retryable' | 'rejects fatal';
/** How a pending `Room.connect` ends. */
export type ConnectOutcome = 'completes' | 'fails';
/** What an agent participant does in the connected room (`leaves, room deleted`: the server's word of it as the room is deleted). */
export type AgentEvent = 'joins ready' | 'joins' | 'becomes ready' | 'leaves' | 'leaves, room deleted';

/**
 * A participant token signed at once (livekit-server-sdk signs asynchronously, on real time): the
 * generator answers within the step that settles it, so every run replays exactly.
 */
function signToken({
  identity,
  room,
  name,
  agentName,
  ttl,
}: {
  identity: string;
  room: string;
  name: string | undefined;
  agentName: string | undefined;
  ttl: number;
}): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = {
    iss: API_KEY,
    sub: identity,
    ...(name ? { name } : {}),
    nbf: now,
    exp: now + ttl,
    video: { room, roomJoin: true, canPublish: true, canSubscribe: true },
    ...(agentName ? { roomConfig: { agents: [{ agentName }] } } : {}),
  };
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', API_SECRET).update(unsigned).digest('base64url')}`;
}

interface PendingCall {
  readonly request: TokenRequest;
  readonly signal: AbortSignal;
  settle(outcome: TokenOutcome): void;
}

/** A `Room.connect` the world saw: into which room, with which token, when (fake time). */
export interface ConnectCall {
  readonly room: Room;
  readonly token: string;
  readonly at: number;
}

/**
 * The world around one provider: a generator, connects and devices that each wait for the
 * test's step (or, once `cooperate()` is called, answer at once), on real `Room`s (`rooms` of them,
 * for an app that gives the provider another one) whose connect skips only the network — as
 * `roomWithoutServer`, plus failing mid-connect as livekit-client does. With `leaveMs`, leaving a
 * connected room takes that long (the leave of a slow network), holding a connect back meanwhile
 * as livekit-client's disconnect lock does.
 */
export function scriptedWorld({
  identity = 'alice',
  ttl = 3_600,
  rooms: roomCount = 1,
  leaveMs = 0,
}: { identity?: string; ttl?: number; rooms?: number; leaveMs?: number } = {}) {
  let cooperative = false;
  const pendingCalls: PendingCall[] = [];
  const generator = vi.fn<TokenGenerator>(
    (request, { signal }) =>
      new Promise((resolve, reject) => {
        const call: PendingCall = {
          request,
          signal,
          settle: (outcome) => {
            if (outcome === 'resolves') {
              const token = signToken({
                identity: request.participantIdentity ?? identity,
                room: request.roomName ?? 'room',
                name: request.participantName,
                agentName: request.agentName,
                ttl,
              });
              resolve({ serverUrl: SERVER_URL, participantToken: token });
            } else if (outcome === 'rejects retryable') reject(new TypeError('Failed to fetch'));
            else reject(Object.assign(new Error('Unauthorized'), { status: 401 }));
          },
        };
        if (cooperative) call.settle('resolves');
        else pendingCalls.push(call);
      }),
  );

  /** Every connect, in order, whichever room it went to. */
  const connects: ConnectCall[] = [];
  /** The connects still waiting for the test's answer, oldest first, whichever room they are in. */
  const pendingConnects: ((outcome: ConnectOutcome) => void)[] = [];
  /** Per room: the slow leave under way (`leaveMs`). */
  const leaves = new Map<Room, Promise<void>>();
  /** The rooms asked to disconnect since their last connect (once that connect stopped waiting for a leave). */
  const leaveAsked = new Set<Room>();

  const scriptedRoom = () => {
    const room = new Room();
    // LiveKit's pre-warm sends an HTTP HEAD to the server URL: network, skipped like the rest.
    vi.spyOn(room, 'prepareConnection').mockResolvedValue();
    vi.spyOn(room, 'connect').mockImplementation(async (_url, token) => {
      connects.push({ room, token, at: Date.now() });
      // As livekit-client: a connect waits for a disconnect under way. Its lock is asked for in the
      // same task as the call (a `disconnect()` asked after it finds the room connecting), as there.
      const leaving = leaves.get(room);
      if (leaving) await leaving;
      leaveAsked.delete(room);
      const unlock = await room['disconnectLock'].lock();
      if (room.state === ConnectionState.Connected) return unlock();
      room['setAndEmitConnectionState'](ConnectionState.Connecting);
      unlock();
      let answer!: (outcome: ConnectOutcome | 'cancelled') => void;
      const outcome = new Promise<ConnectOutcome | 'cancelled'>((resolve) => (answer = resolve));
      const cancelled = () => answer('cancelled');
      room.once(RoomEvent.Disconnected, cancelled);
      if (cooperative) answer('completes');
      else pendingConnects.push(answer);
      const result = await outcome;
      room.off(RoomEvent.Disconnected, cancelled);
      if (pendingConnects.includes(answer)) pendingConnects.splice(pendingConnects.indexOf(answer), 1);
      if (result === 'cancelled' || room.state === ConnectionState.Disconnected)
        throw ConnectionError.cancelled('Client initiated disconnect');
      if (result === 'fails') {
        // livekit-client's own unwinding of a failed connect, then its rejection.
        room['handleDisconnect'](true, DisconnectReason.JOIN_FAILURE);
        throw ConnectionError.notAllowed('could not establish signal connection', 403);
      }
      room['setAndEmitConnectionState'](ConnectionState.Connected);
      room.emit(RoomEvent.Connected);
    });

    // Leaving a connected room sends a leave first: with `leaveMs`, that takes time. (A connect
    // under way is cut off at once, as livekit-client aborts it before sending anything.)
    const disconnect = room.disconnect;
    vi.spyOn(room, 'disconnect').mockImplementation((stopTracks) => {
      leaveAsked.add(room);
      const leaving = leaves.get(room);
      if (leaving) return leaving;
      if (leaveMs === 0 || room.state !== ConnectionState.Connected) return disconnect(stopTracks);
      const left = new Promise<void>((resolve) => setTimeout(resolve, leaveMs))
        .then(() => disconnect(stopTracks))
        .finally(() => leaves.delete(room));
      leaves.set(room, left);
      return left;
    });

    // Publishing skips the network too: the track is the local participant's, as livekit-client records it.
    vi.spyOn(room.localParticipant, 'publishTrack').mockImplementation(async (track) => {
      const local = track as LocalTrack;
      const info = new TrackInfo({
        sid: `TR_${local.kind}_${room.localParticipant.trackPublications.size}`,
        name: local.source,
        type: local.kind === Track.Kind.Video ? TrackType.VIDEO : TrackType.AUDIO,
        source: Track.sourceToProto(local.source),
      });
      const publication = new LocalTrackPublication(local.kind, info, local);
      room.localParticipant['addTrackPublication'](publication);
      room.localParticipant.emit(ParticipantEvent.LocalTrackPublished, publication);
      return publication;
    });
    return room;
  };
  const rooms = Array.from({ length: roomCount }, scriptedRoom);
  const room = rooms[0]!;

  let agent: RemoteParticipant | null = null;
  let agents = 0;
  /** In `where` (the first room unless told), one agent at a time. */
  const agentEvent = (event: AgentEvent, where: Room = room) => {
    if (where.state !== ConnectionState.Connected) return;
    if (agent && !where.remoteParticipants.has(agent.identity)) agent = null;
    if (event === 'joins' || event === 'joins ready') {
      if (agent) return;
      agents += 1;
      const state = event === 'joins ready' ? 'listening' : 'initializing';
      agent = joinRemote(where, `agent-${agents}`, { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': state } });
    } else if (!agent) return;
    else if (event === 'becomes ready') setAttributes(where, agent, { 'lk.agent.state': 'listening' });
    else {
      leaveRemote(where, agent, event === 'leaves' ? undefined : DisconnectReason.ROOM_DELETED);
      agent = null;
    }
  };

  return {
    generator,
    rooms,
    room,
    connects,
    /** Whether `room` is being left: asked to disconnect since its last connect, and not disconnected yet. */
    isLeaving: (room: Room) => leaveAsked.has(room) && room.state !== ConnectionState.Disconnected,
    agentEvent,
    /** The generator answers its oldest call still wanted (an aborted one has no one waiting). */
    settleToken: (outcome: TokenOutcome) => {
      const index = pendingCalls.findIndex((call) => !call.signal.aborted);
      if (index >= 0) pendingCalls.splice(index, 1)[0]!.settle(outcome);
    },
    settleConnect: (outcome: ConnectOutcome) => pendingConnects[0]?.(outcome),
    /** The generator calls still waiting for the test's answer whose signal has not been aborted. */
    callsInFlight: () => pendingCalls.filter((call) => !call.signal.aborted).length,
    /** From now on every token and connect comes at once (and so do the ones still pending). */
    cooperate: () => {
      cooperative = true;
      pendingCalls.splice(0).forEach((call) => call.settle('resolves'));
      pendingConnects.slice().forEach((answer) => answer('completes'));
    },
  };
}
