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
/** What an agent participant does in the connected room. */
export type AgentEvent = 'joins ready' | 'joins' | 'becomes ready' | 'leaves';

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

/**
 * The world around one provider: a generator, a connect and devices that each wait for the
 * test's step (or, once `cooperate()` is called, answer at once), on a real `Room` whose connect
 * skips only the network — as `roomWithoutServer`, plus failing mid-connect as livekit-client does.
 */
export function scriptedWorld({ identity = 'alice', ttl = 3_600 }: { identity?: string; ttl?: number } = {}) {
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

  const room = new Room();
  const pendingConnects: ((outcome: ConnectOutcome) => void)[] = [];
  const connectedAt: number[] = [];
  const connect = vi.spyOn(room, 'connect').mockImplementation(async () => {
    connectedAt.push(Date.now());
    // As livekit-client: a connect waits for a disconnect under way.
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
    pendingConnects.splice(pendingConnects.indexOf(answer), 1);
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

  // Publishing skips the network too: the track is the local participant's, as livekit-client records it.
  vi.spyOn(room.localParticipant, 'publishTrack').mockImplementation(async (track) => {
    const local = track as LocalTrack;
    const info = new TrackInfo({
      sid: `TR_${local.kind}_${room.localParticipant.trackPublications.size}`,
      name: local.source,
      type: local.kind === Track.Kind.Video ? TrackType.VIDEO : TrackType.AUDIO,
    });
    const publication = new LocalTrackPublication(local.kind, info, local);
    room.localParticipant['addTrackPublication'](publication);
    room.localParticipant.emit(ParticipantEvent.LocalTrackPublished, publication);
    return publication;
  });

  let agent: RemoteParticipant | null = null;
  let agents = 0;
  const agentEvent = (event: AgentEvent) => {
    if (room.state !== ConnectionState.Connected) return;
    if (agent && !room.remoteParticipants.has(agent.identity)) agent = null;
    if (event === 'joins' || event === 'joins ready') {
      if (agent) return;
      agents += 1;
      const state = event === 'joins ready' ? 'listening' : 'initializing';
      agent = joinRemote(room, `agent-${agents}`, { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': state } });
    } else if (!agent) return;
    else if (event === 'becomes ready') setAttributes(room, agent, { 'lk.agent.state': 'listening' });
    else {
      leaveRemote(room, agent);
      agent = null;
    }
  };

  return {
    generator,
    room,
    connect,
    connectedAt,
    agentEvent,
    /** The generator answers its oldest call still wanted (an aborted one has no one waiting). */
    settleToken: (outcome: TokenOutcome) => {
      const index = pendingCalls.findIndex((call) => !call.signal.aborted);
      if (index >= 0) pendingCalls.splice(index, 1)[0]!.settle(outcome);
    },
    settleConnect: (outcome: ConnectOutcome) => pendingConnects[0]?.(outcome),
    /** From now on every token and connect comes at once (and so do the ones still pending). */
    cooperate: () => {
      cooperative = true;
      pendingCalls.splice(0).forEach((call) => call.settle('resolves'));
      pendingConnects.slice().forEach((answer) => answer('completes'));
    },
  };
}
