import type { SessionConnectOptions } from '@livekit/components-react';
import {
  ConnectionState,
  decodeTokenPayload,
  DisconnectReason,
  ParticipantEvent,
  ParticipantKind,
  RoomEvent,
  Track,
  TrackEvent,
  type LocalTrack,
  type Room,
  type TokenSourceResponseObject,
  type TrackPublishOptions,
} from 'livekit-client';
import { CustomTokenError } from '../../core/errors.js';
import { noop } from '../../core/noop.js';
import { timerDelay } from '../../core/timerDelay.js';
import { untilDisconnectDone, untilLeft } from '../../hooks/internal/roomLeaving.js';
import { isCancelledConnect, toDisconnectError, toNoMediaDevicesFailure, toScreenShareFailure } from './toSessionError.js';

/** What one start of a session needs; the provider reads each at call time, so always the latest. */
export interface StartSessionInput {
  room: Room;
  /**
   * The session's token (the provider's source, asked with the options of this moment). The fetch
   * is aborted with `signal` (the start abandoned or failed): the next start asks anew, rather than
   * waiting out a call that may hang until its timeout.
   */
  fetchToken(signal: AbortSignal): Promise<TokenSourceResponseObject>;
  connectOptions: Omit<SessionConnectOptions, 'signal'>;
  /** Resolves once the app sees the room disconnected (LiveKit's `useSession().waitUntilDisconnected`). */
  waitUntilDisconnected(signal: AbortSignal): Promise<void>;
  /** Resolves once the app sees the room connected (LiveKit's `useSession().waitUntilConnected`). */
  waitUntilConnected(signal: AbortSignal): Promise<void>;
  /** Resolves once the agent is ready for input (LiveKit's `useAgent().waitUntilConnected`). */
  waitUntilAgentReady: (signal: AbortSignal) => Promise<void>;
  /** How long a dispatched agent may take to become ready, counted from this start's `Room.connect`. */
  agentConnectTimeoutMs: number;
  /** Abandons the start: whatever it began is undone, and it never connects later. */
  signal: AbortSignal;
  /**
   * Called when the app leaves the room by other means than `end()` (LiveKit's `<DisconnectButton>`
   * calls `room.disconnect()`) while the start joins it, which abandons the start without an error:
   * the caller's own start is over too (a `start()` asked after that leave is a new one).
   */
  leftByApp(): void;
  /**
   * Called when the start waited for the app's own leave of a live call (`void room.disconnect()`
   * right before it), once the room is disconnected: that call is over, and moves on to the next
   * session (as one left between starts does) before this start fetches its token.
   */
  leftLiveCall(): void;
  /**
   * Called, with what ended the start, when it leaves a room it began to join without finishing
   * (abandoned or failed), unless the server ended it: that room may still hold the agent it
   * dispatched (or, if it lives on, dispatch none to the next join), so with fresh rooms the next
   * start needs another — as it needs another token after LiveKit refused this one.
   */
  leftRoomUnfinished(error: unknown): void;
}

/**
 * Starts a session on `room`: fetches the token while the local tracks start, connects,
 * publishes the tracks and, when the token dispatches an agent, waits for it to become ready.
 *
 * A room an earlier provider's teardown, or the app's own `room.disconnect()`, is still leaving is
 * first left to be disconnected; a room connected otherwise holds the live session, and the start
 * does nothing (it resolves `false`; `true` once it started a session, or left one it abandoned).
 *
 * Unlike `useSession().start()`, which it replaces, it leaves nothing behind when abandoned
 * (`signal`, or the app's own `room.disconnect()`), failed or ended by the server before it
 * finished (it then fails with `disconnected`, at once), whatever the order of events: every track
 * it created is stopped (at once when abandoned), the room is disconnected — a connect under way
 * is first left to finish (see {@link connectUncut}) — and a token that arrives after the abort is
 * never used to connect. It holds its own tracks for that: LiveKit's `setCameraEnabled` keeps a
 * track created before the connection out of reach, capturing until its 15 s publish timeout. The
 * agent is judged against this start's own deadline only (LiveKit's shared agent timer can fire for
 * an earlier session).
 */
export async function startSession(input: StartSessionInput): Promise<boolean> {
  const { room, signal } = input;
  // A room an earlier provider's teardown is still leaving (remounted on a shared room) is not
  // connected for this session: its disconnect would end this one.
  const leftByTeardown = untilLeft(room);
  if (leftByTeardown) await whileNotAborted(leftByTeardown, signal);
  // A live call the app is leaving (`void room.disconnect()` right before this start) says
  // `connected` until the leave is done: wait for it, as livekit-client's own `connect()` does.
  const appLeaving = room.state === ConnectionState.Connected ? untilDisconnectDone(room) : undefined;
  if (appLeaving) await whileNotAborted(appLeaving, signal);
  // After that wait too: an abort in the microtasks before it returned has no event left for `abandon`.
  signal.throwIfAborted();
  if (room.state !== ConnectionState.Disconnected) return false;
  if (appLeaving) input.leftLiveCall();
  // Abandoned by the caller, failed when a device is refused (no connection for nothing), or ended
  // by the server once connected.
  const attempt = new AbortController();
  const abandon = () => attempt.abort(signal.reason);
  signal.addEventListener('abort', abandon);
  const tracks = createTracks(room, input.connectOptions.tracks);
  // Leaving turns the devices off at once, whatever the start is waiting on; so does one device failing.
  attempt.signal.addEventListener('abort', () => tracks.stop(), { once: true });
  tracks.created.catch(() => tracks.stop());
  const fetching = input.fetchToken(attempt.signal);
  // A device failure fails the start once its token is in: a token refused (signed out, not let in)
  // is the failure to act on first — no camera allowed makes a session without one.
  fetching.then(() => tracks.created).catch((error: unknown) => attempt.abort(error));
  const disconnect = () => void room.disconnect();
  // A disconnect on this side is the start's own (it is aborted then), or the app leaving by other
  // means than `end()` — LiveKit's `<DisconnectButton>` calls `room.disconnect()` — which abandons the
  // start as `end()` does: no failure. Connecting, the room says so with its connect cancelled;
  // connected, with a client-initiated disconnect.
  const leftByTheApp = () => {
    if (attempt.signal.aborted) return;
    leftByApp = true;
    input.leftByApp();
    attempt.abort();
  };
  // The server ending the session fails the start.
  const disconnected = (reason?: DisconnectReason) => {
    if (reason === DisconnectReason.CLIENT_INITIATED) return leftByTheApp();
    endedByServer = true;
    attempt.abort(toDisconnectError(reason));
  };
  // The server ending it while the room still connects (the participant removed): livekit-client
  // leaves that connect pending until it is cancelled (useStaleConnectCancelled), and the
  // cancellation is the server's doing — a join that did not finish, not a session it ended.
  let leftWhileConnecting: (() => void) | undefined;
  const disconnectedWhileConnecting = (reason?: DisconnectReason) =>
    (leftWhileConnecting = reason === DisconnectReason.CLIENT_INITIATED ? leftByTheApp : () => attempt.abort(toDisconnectError(reason)));
  let joining = false;
  let endedByServer = false;
  let leftByApp = false;
  try {
    const { serverUrl, participantToken } = await whileNotAborted(fetching, attempt.signal);
    // A device the browser already refuses (blocked in the site settings) fails its request in a
    // moment: that, not a join and leave of the room (which would dispatch its agent for nothing).
    // Its answer is waited for as every other step is: until the start is abandoned.
    if (await whileNotAborted(tracks.blocked, attempt.signal)) await whileNotAborted(tracks.created, attempt.signal).catch(noop);
    // As LiveKit's own start(): connect once the app has seen the room disconnected. LiveKit's useAgent
    // forgets an agent that left only on a render that sees the room disconnected: a leave and this
    // connect in one batch of React updates kept the last session's `failed` in the next one.
    await whileNotAborted(input.waitUntilDisconnected(attempt.signal), attempt.signal);
    // Checked in the same task as `connect`: an abort before this line means no connection, ever.
    attempt.signal.throwIfAborted();
    const agentDeadline = Date.now() + input.agentConnectTimeoutMs;
    joining = true;
    room.once(RoomEvent.Disconnected, disconnectedWhileConnecting);
    await connectUncut(room, room.connect(serverUrl, participantToken, input.connectOptions.roomConnectOptions), attempt.signal);
    room.off(RoomEvent.Disconnected, disconnectedWhileConnecting);
    // Abandoned while connecting: the catch leaves the room it connected to, as any connected room is left.
    attempt.signal.throwIfAborted();
    // Stryker disable next-line StringLiteral: the catch below leaves the room too, a few microtasks later: every wait from here gives way to the abort at once (whileNotAborted)
    attempt.signal.addEventListener('abort', disconnect);
    // From here, not before: a connect that fails also disconnects, and its own error says more.
    room.on(RoomEvent.Disconnected, disconnected);
    await whileNotAborted(input.waitUntilConnected(attempt.signal), attempt.signal);
    // A permission prompt nobody answers must not hold up `end()`: every wait gives way to the abort.
    // Tracks granted after it never publish: the room may by then hold the next session.
    const published = whileNotAborted(
      tracks.created.then((created) => {
        attempt.signal.throwIfAborted();
        return publish(room, created, attempt.signal);
      }),
      attempt.signal,
    );
    // The agent's deadline runs beside the publishing: an unanswered prompt does not put off the
    // failure of an agent that never came (one ready in time waits for the answer with the start).
    const agentReady = dispatchesAgent(participantToken)
      ? waitForAgent(input.waitUntilAgentReady, room, attempt.signal, agentDeadline - Date.now())
      : undefined;
    await Promise.all([published, agentReady]);
    return true;
  } catch (error) {
    // livekit-client rejects the connect before it announces the disconnect that cancelled it (the
    // app's leave); a connect the server's disconnect left pending is cancelled after it.
    if (isCancelledConnect(error)) (leftWhileConnecting ?? leftByTheApp)();
    // Whatever failed first ends every other wait of the start, and its tracks, with it.
    attempt.abort(error);
    tracks.stop();
    await room.disconnect();
    // A live session the server ended gets its next room from the disconnect itself (useSessionLifecycle).
    if (joining && !endedByServer) input.leftRoomUnfinished(attempt.signal.reason);
    if (!leftByApp) throw attempt.signal.reason;
    return true;
  } finally {
    signal.removeEventListener('abort', abandon);
    // Stryker disable next-line StringLiteral: nothing aborts `attempt` once the start settled (the caller's signal is unhooked above, its tracks settled), so the listener left on it never runs
    attempt.signal.removeEventListener('abort', disconnect);
    room.off(RoomEvent.Disconnected, disconnected);
    room.off(RoomEvent.Disconnected, disconnectedWhileConnecting);
  }
}

/** How long a connect under way is left to finish after its start was abandoned, before it is cut off. */
const CONNECT_GRACE_MS = 1_500;

/**
 * Waits for `connecting` — also when the start is abandoned meanwhile, for up to
 * {@link CONNECT_GRACE_MS}: livekit-client's `disconnect()` cuts a connect off halfway, rejects it
 * at once and goes on unwinding it beside the next connect on the same room, closing that one's
 * peer connections ("PC manager is closed") and leaving its participant on the server. A connect
 * left to finish is then left like any connected room, with a leave. The tracks are already
 * stopped by then, and nothing is published.
 */
async function connectUncut(room: Room, connecting: Promise<void>, signal: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cutOffLater = () => {
    timer = setTimeout(() => void room.disconnect(), CONNECT_GRACE_MS);
  };
  signal.addEventListener('abort', cutOffLater, { once: true });
  try {
    await connecting;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', cutOffLater);
  }
}

interface StartedTracks {
  /** The tracks once all are created; rejects with the first device failure. */
  readonly created: Promise<readonly CreatedTrack[]>;
  /** Whether the browser already refuses a camera or microphone asked for (its permission is `denied`); `false` where it cannot say. */
  readonly blocked: Promise<boolean>;
  /** Stops every track, now or as soon as it is created. */
  stop(): void;
}

interface CreatedTrack {
  readonly track: LocalTrack;
  readonly publishOptions: TrackPublishOptions | undefined;
}

type TracksOptions = NonNullable<SessionConnectOptions['tracks']>;

/** Starts the asked-for camera, microphone and screen share at once, each with its own device request (as LiveKit's `set…Enabled` do). */
function createTracks(room: Room, options: TracksOptions = {}): StartedTracks {
  const participant = room.localParticipant;
  const requests: Promise<CreatedTrack[]>[] = [];
  const request = (
    kind: MediaDeviceKind,
    create: () => Promise<LocalTrack[]>,
    publishOptions: TrackPublishOptions | undefined,
    describe: (error: unknown) => unknown = (error) => error,
  ) =>
    requests.push(
      create().then(
        (tracks) => tracks.map((track) => ({ track, publishOptions })),
        (error: unknown) => {
          // LiveKit's own device hooks learn of the failure as they do from `set…Enabled`.
          participant.emit(ParticipantEvent.MediaDevicesError, error as Error, kind);
          throw toNoMediaDevicesFailure(error) ?? describe(error);
        },
      ),
    );
  if (options.microphone?.enabled)
    request('audioinput', () => participant.createTracks({ audio: true }), options.microphone.publishOptions);
  if (options.camera?.enabled) request('videoinput', () => participant.createTracks({ video: true }), options.camera.publishOptions);
  if (options.screenShare?.enabled)
    request('videoinput', () => participant.createScreenTracks(), options.screenShare.publishOptions, toScreenShareFailure);

  const settled = Promise.allSettled(requests);
  const created = Promise.all(requests).then((lists) => lists.flat());
  created.catch(noop);
  return {
    created,
    blocked: isAnyBlocked([...(options.camera?.enabled ? ['camera'] : []), ...(options.microphone?.enabled ? ['microphone'] : [])]),
    stop: () =>
      void settled.then((results) => {
        for (const result of results) if (result.status === 'fulfilled') result.value.forEach(({ track }) => track.stop());
      }),
  };
}

/** Whether the Permissions API says any of `devices` is `denied` (it cannot say in every browser, nor for every device). */
async function isAnyBlocked(devices: string[]): Promise<boolean> {
  const permissions = typeof navigator === 'undefined' ? undefined : navigator.permissions;
  if (!permissions || devices.length === 0) return false;
  // A browser that does not know the name may throw at once rather than reject: then it cannot say.
  const stateOf = async (name: string) => (await permissions.query({ name: name as PermissionName })).state;
  const states = await Promise.all(devices.map((name) => stateOf(name).catch(() => 'unknown')));
  return states.includes('denied');
}

/**
 * Publishes the tracks; a microphone asked to buffer (`preConnectBuffer`) records until an agent can
 * receive it. A track whose device ended before it was published is handed to livekit-client's own
 * handling of an end, as if it ended now: it takes the device again, or with none to be had turns
 * the track off (muted) — published as it was, it would be black or silent for everyone. One that
 * ends once its publish began livekit-client hears itself (it listens from there on): handed over
 * too, it would take the device twice.
 */
async function publish(room: Room, tracks: readonly CreatedTrack[], signal: AbortSignal): Promise<void> {
  const participant = room.localParticipant;
  await Promise.all(
    tracks.map(async ({ track, publishOptions }) => {
      const options = { ...room.options.publishDefaults, ...publishOptions };
      if (track.kind === Track.Kind.Audio && track.source === Track.Source.Microphone && options.preConnectBuffer)
        track.startPreConnectBuffer();
      const endedUnheard = track.mediaStreamTrack.readyState === 'ended';
      await participant.publishTrack(track, publishOptions);
      // Not one the start left as it was published (removed, say): taken again, it would be a live camera after leaving.
      if (endedUnheard && !signal.aborted) track.emit(TrackEvent.Ended, track);
    }),
  );
}

/** Whether the token dispatches an agent (its `roomConfig` names one): then a session waits for it. */
export function dispatchesAgent(participantToken: string): boolean {
  return (decodeTokenPayload(participantToken).roomConfig?.agents?.length ?? 0) > 0;
}

/** Waits for the agent until `remainingMs` run out, then fails with `agent_failed` and LiveKit's words for what went wrong. */
async function waitForAgent(
  waitUntilReady: StartSessionInput['waitUntilAgentReady'],
  room: Room,
  abandoned: AbortSignal,
  remainingMs: number,
): Promise<void> {
  const deadline = new AbortController();
  const signal = AbortSignal.any([abandoned, deadline.signal]);
  const timer = setTimeout(() => deadline.abort(agentTimeoutError(room)), timerDelay(Math.max(remainingMs, 0)));
  try {
    await whileNotAborted(waitUntilReady(signal), signal);
  } finally {
    clearTimeout(timer);
  }
}

function agentTimeoutError(room: Room): CustomTokenError {
  const joined = [...room.remoteParticipants.values()].some((participant) => participant.kind === ParticipantKind.AGENT);
  const reason = joined ? 'Agent joined the room but did not complete initializing.' : 'Agent did not join the room.';
  return new CustomTokenError('agent_failed', `The agent did not become ready: ${reason}`, { failureReasons: [reason] });
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts (LiveKit's waits ignore a signal aborted before they began). */
function whileNotAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    // Aborted already: rejects at once, and `promise` is still handled (its rejection must not go unhandled).
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
