import { act } from '@testing-library/react';
import { TrackInfo, TrackSource, TrackType } from '@livekit/protocol';
import {
  ConnectionState,
  ParticipantEvent,
  ParticipantKind,
  RemoteTrackPublication,
  RoomEvent,
  Track,
  type RemoteParticipant,
  type Room,
} from 'livekit-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { joinRemote, leaveRemote, publishCamera, roomWithoutServer, setAttributes, tokenGenerator } from '../helpers/room';
import type { AgentStatus } from '../../src/context/AgentStatusContext';
import { useAgentStatus } from '../../src/hooks/useAgentStatus';
import { expectRenderErrors } from '../helpers/expectedRenderErrors';
import { fakeMediaDevices } from '../helpers/media';
import { scriptedWorld } from '../helpers/scriptedWorld';
import { clickStart, renderSession } from './render';

afterEach(() => {
  vi.useRealTimers();
});

/** Starts the session and lets the token fetch and connect run, on fake timers. */
async function startOnFakeTimers(session: () => { start: () => Promise<void> }) {
  const settled = clickStart(session);
  await act(() => vi.advanceTimersByTimeAsync(50));
  return settled;
}

describe('CustomTokenSessionProvider with a dispatched agent', () => {
  it('settles start() with agent_failed after the agent connect timeout when no agent joins', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession({
      generator: tokenGenerator(),
      room,
      roomName: 'support',
      agentName: 'helper',
      agentConnectTimeoutMs: 5_000,
      microphone: false,
    });
    const settled = await startOnFakeTimers(session);
    expect(session()).toMatchObject({ isConnected: true, isStarting: true });

    await act(() => vi.advanceTimersByTimeAsync(4_900));
    expect(settled()).toBe(false);
    await act(() => vi.advanceTimersByTimeAsync(200));

    expect(settled()).toBe(true);
    expect(session().error).toMatchObject({ code: 'agent_failed', failureReasons: ['Agent did not join the room.'] });
    expect(session()).toMatchObject({ isStarting: false, isConnected: false });
    expect(room.state).toBe('disconnected');
  });

  describe('while a camera or microphone prompt is unanswered', () => {
    let media: ReturnType<typeof fakeMediaDevices>;
    beforeEach(() => {
      media = fakeMediaDevices();
      vi.useFakeTimers();
    });

    it('fails start() with agent_failed at its own deadline, leaves the room, and stops the tracks granted later', async () => {
      const { room, connect } = roomWithoutServer();
      const { session } = renderSession({
        generator: tokenGenerator(),
        room,
        roomName: 'support',
        agentName: 'helper',
        agentConnectTimeoutMs: 5_000,
      });
      const settled = await startOnFakeTimers(session);
      expect(connect).toHaveBeenCalledTimes(1);
      expect(media.getUserMedia).toHaveBeenCalled();

      await act(() => vi.advanceTimersByTimeAsync(4_900));
      expect(settled()).toBe(false);
      await act(() => vi.advanceTimersByTimeAsync(200));

      expect(settled()).toBe(true);
      expect(session().error).toMatchObject({ code: 'agent_failed', failureReasons: ['Agent did not join the room.'] });
      expect(session()).toMatchObject({ isStarting: false, isConnected: false });
      expect(room.state).toBe('disconnected');
      act(() => media.grant());
      await act(() => vi.advanceTimersByTimeAsync(10));
      expect(media.tracks.length).toBeGreaterThan(0);
      expect(media.live()).toEqual([]);
    });

    it('says an agent that was ready and leaves before the answer left the call, rather than never became ready', async () => {
      const { room } = roomWithoutServer();
      const { session } = renderSession({
        generator: tokenGenerator(),
        room,
        roomName: 'support',
        agentName: 'helper',
        agentConnectTimeoutMs: 5_000,
      });
      await startOnFakeTimers(session);
      const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT });
      setAttributes(room, agent, { 'lk.agent.state': 'listening' });
      await act(() => vi.advanceTimersByTimeAsync(50));
      leaveRemote(room, agent);
      await act(() => vi.advanceTimersByTimeAsync(100));
      expect(session().error).toMatchObject({ code: 'agent_failed', message: expect.stringMatching(/^The agent left the call: /) });
    });

    it('keeps waiting for the answer, past the deadline, when the agent was ready before it', async () => {
      const { room } = roomWithoutServer();
      const { session } = renderSession({
        generator: tokenGenerator(),
        room,
        roomName: 'support',
        agentName: 'helper',
        agentConnectTimeoutMs: 5_000,
      });
      const settled = await startOnFakeTimers(session);
      const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT });
      setAttributes(room, agent, { 'lk.agent.state': 'listening' });
      await act(() => vi.advanceTimersByTimeAsync(30_000));

      // The user is still deciding: the session is neither failed nor live.
      expect(settled()).toBe(false);
      expect(session()).toMatchObject({ isStarting: true, error: null });
      expect(room.state).toBe('connected');
      await act(() => session().end());
      expect(settled()).toBe(true);
      expect(session().error).toBeNull();
    });
  });

  it.each([
    ['Infinity', Infinity],
    ['a month', 30 * 86_400_000],
  ])(
    'waits for the agent with an agentConnectTimeoutMs of %s, longer than a timer holds, rather than failing at once',
    async (_label, agentConnectTimeoutMs) => {
      vi.useFakeTimers();
      const { room } = roomWithoutServer();
      const { session } = renderSession({
        generator: tokenGenerator(),
        room,
        roomName: 'support',
        agentName: 'helper',
        agentConnectTimeoutMs,
        microphone: false,
      });
      const settled = await startOnFakeTimers(session);
      await act(() => vi.advanceTimersByTimeAsync(60_000));
      expect(settled()).toBe(false);
      expect(session().error).toBeNull();

      const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT });
      setAttributes(room, agent, { 'lk.agent.state': 'listening' });
      await act(() => vi.advanceTimersByTimeAsync(10));
      expect(settled()).toBe(true);
      expect(session()).toMatchObject({ isConnected: true, error: null });
    },
  );

  it('resolves start() once the agent reports it is listening', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', microphone: false });
    const settled = await startOnFakeTimers(session);
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT });
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(settled()).toBe(false);

    setAttributes(room, agent, { 'lk.agent.state': 'listening' });
    await act(() => vi.advanceTimersByTimeAsync(10));

    expect(settled()).toBe(true);
    expect(session()).toMatchObject({ isConnected: true, isStarting: false, error: null });
  });

  it('reports agent_failed when the agent leaves a live session, without ending it', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', microphone: false });
    const settled = await startOnFakeTimers(session);
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(settled()).toBe(true);

    leaveRemote(room, agent);
    await act(() => vi.advanceTimersByTimeAsync(10));

    expect(session().error).toMatchObject({
      code: 'agent_failed',
      message: 'The agent left the call: Agent left the room unexpectedly.',
      failureReasons: ['Agent left the room unexpectedly.'],
    });
    expect(session().isConnected).toBe(true);
    expect(room.state).toBe('connected');
  });

  it('does not fail a session whose agent a full reconnect took away and brought back, and shows the agent state again', async () => {
    const { room, session, agentStatus } = await startWithAgentProbe();
    const joinAgent = () =>
      void joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    act(joinAgent);
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(agentStatus.current?.state).toBe('listening');

    // The LiveKit server restarted: the room reconnects in full, as livekit-client does it —
    // every remote participant leaves — and rejoins, where the agent is again.
    await reconnectInFullWith(room, joinAgent, () => expect(session().error).toBeNull());

    expect(session()).toMatchObject({ isConnected: true, error: null });
    expect(agentStatus.current).toMatchObject({ state: 'listening', isConnected: true, failureReasons: [] });
  });

  it("gives a returned agent its identity, name and tracks back (LiveKit's useAgent clears them while it says failed)", async () => {
    const { room, agentStatus } = await startWithAgentProbe();
    const joinAgent = () => {
      const agent = joinRemote(room, 'agent-1', {
        kind: ParticipantKind.AGENT,
        name: 'Helper',
        attributes: { 'lk.agent.state': 'listening' },
      });
      publishCamera(room, agent);
    };
    act(joinAgent);
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(agentStatus.current).toMatchObject({ identity: 'agent-1', name: 'Helper' });
    expect(agentStatus.current?.cameraTrack?.participant.identity).toBe('agent-1');

    await reconnectInFullWith(room, joinAgent);

    expect(agentStatus.current).toMatchObject({ state: 'listening', identity: 'agent-1', name: 'Helper' });
    expect(agentStatus.current?.cameraTrack?.participant.identity).toBe('agent-1');
    expect(agentStatus.current?.cameraTrack?.source).toBe('camera');
  });

  it('gives the agent’s voice as microphoneTrack (README, useAgentStatus), and a returned agent its microphone back', async () => {
    const { room, agentStatus } = await startWithAgentProbe();
    const joinSpeakingAgent = () => {
      const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'speaking' } });
      publishMicrophone(room, agent);
    };
    act(joinSpeakingAgent);
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(agentStatus.current).toMatchObject({ state: 'speaking', identity: 'agent-1', cameraTrack: undefined });
    expect(agentStatus.current?.microphoneTrack?.participant.identity).toBe('agent-1');
    expect(agentStatus.current?.microphoneTrack?.source).toBe('microphone');

    await reconnectInFullWith(room, joinSpeakingAgent);

    expect(agentStatus.current?.microphoneTrack?.participant.identity).toBe('agent-1');
    expect(agentStatus.current?.microphoneTrack?.source).toBe('microphone');
  });

  it('gives a returned agent the camera of the avatar worker publishing on its behalf, as useAgent does', async () => {
    const { room, agentStatus } = await startWithAgentProbe();
    const joinAgentAndAvatar = () => {
      joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
      const avatar = joinRemote(room, 'avatar-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.publish_on_behalf': 'agent-1' } });
      publishCamera(room, avatar);
    };
    act(joinAgentAndAvatar);
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(agentStatus.current?.cameraTrack?.participant.identity).toBe('avatar-1');

    await reconnectInFullWith(room, joinAgentAndAvatar);

    expect(agentStatus.current).toMatchObject({ state: 'listening', identity: 'agent-1' });
    expect(agentStatus.current?.cameraTrack?.participant.identity).toBe('avatar-1');
  });

  it('does not fail a session whose agent comes back after the room did, within agentConnectTimeoutMs (both reconnect after a server restart)', async () => {
    const { room, session, agentStatus } = await startWithAgentProbe();
    const joinAgent = () =>
      void joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    act(joinAgent);
    await act(() => vi.advanceTimersByTimeAsync(10));

    await reconnectInFullWith(room, () => {});
    await act(() => vi.advanceTimersByTimeAsync(3_000));
    expect(session().error).toBeNull();
    act(joinAgent);
    await act(() => vi.advanceTimersByTimeAsync(30_000));

    expect(session()).toMatchObject({ isConnected: true, error: null });
    expect(agentStatus.current).toMatchObject({ state: 'listening', isConnected: true });
  });

  it('finishes a start whose agent a full reconnect took away while it got ready, once the agent is back and listening', async () => {
    const { room, session } = await startWithAgentProbe();
    act(() => void joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'initializing' } }));
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(session().isStarting).toBe(true);

    await reconnectInFullWith(room, () => {
      joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    });

    expect(session()).toMatchObject({ isStarting: false, isConnected: true, error: null });
  });

  it('says the agent is connecting while a full reconnect has it awaited, and failed only once the session fails', async () => {
    const { room, session, agentStatus } = await startWithAgentProbe();
    act(() => void joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } }));
    await act(() => vi.advanceTimersByTimeAsync(10));
    const awaited = { state: 'connecting', failureReasons: [], isConnected: false, canListen: false, isFinished: false };

    await reconnectInFullWith(
      room,
      () => {},
      () => expect(agentStatus.current).toMatchObject(awaited),
    );
    expect(agentStatus.current).toMatchObject(awaited);
    await act(() => vi.advanceTimersByTimeAsync(19_900));
    expect(session().error).toBeNull();
    expect(agentStatus.current).toMatchObject(awaited);

    await act(() => vi.advanceTimersByTimeAsync(200));
    expect(session().error).toMatchObject({ code: 'agent_failed' });
    expect(agentStatus.current).toMatchObject({ state: 'failed', failureReasons: ['Agent left the room unexpectedly.'], isFinished: true });
  });

  it('fails the session at once when the agent, back after a full reconnect, leaves the call again', async () => {
    const { room, session, agentStatus } = await startWithAgentProbe();
    const joinAgent = () => joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    act(() => void joinAgent());
    await act(() => vi.advanceTimersByTimeAsync(10));
    let back!: ReturnType<typeof joinAgent>;
    await reconnectInFullWith(room, () => (back = joinAgent()));
    expect(agentStatus.current?.state).toBe('listening');

    await act(() => vi.advanceTimersByTimeAsync(1_000));
    leaveRemote(room, back);
    await act(() => vi.advanceTimersByTimeAsync(10));

    expect(session().error).toMatchObject({ code: 'agent_failed', failureReasons: ['Agent left the room unexpectedly.'] });
    expect(agentStatus.current).toMatchObject({ state: 'failed', failureReasons: ['Agent left the room unexpectedly.'] });
  });

  it('fails the session when the agent is not back agentConnectTimeoutMs after a full reconnect, and not before', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession({
      generator: tokenGenerator(),
      room,
      roomName: 'support',
      agentName: 'helper',
      microphone: false,
      agentConnectTimeoutMs: 8_000,
    });
    await startOnFakeTimers(session);
    joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await act(() => vi.advanceTimersByTimeAsync(10));

    await reconnectInFullWith(room, () => {});
    await act(() => vi.advanceTimersByTimeAsync(7_900));
    expect(session().error).toBeNull();
    await act(() => vi.advanceTimersByTimeAsync(200));

    expect(session().error).toMatchObject({ code: 'agent_failed', failureReasons: ['Agent left the room unexpectedly.'] });
  });

  it('does not fail a session without an agent when no agent joins', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', microphone: false });
    const settled = await startOnFakeTimers(session);
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(settled()).toBe(true);
    expect(session()).toMatchObject({ isConnected: true, error: null });
  });
});

describe('CustomTokenSessionProvider judging the agent per session', () => {
  /** Session one: started, its agent listening, ended five seconds later; returns the time the second start() begins. */
  async function endAfterAListeningAgent(session: () => { start: () => Promise<void>; end: () => Promise<void> }, room: Room) {
    const settled = await startOnFakeTimers(session);
    joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(settled()).toBe(true);
    await act(() => vi.advanceTimersByTimeAsync(5_000));
    act(() => void session().end());
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(room.state).toBe('disconnected');
    await act(() => vi.advanceTimersByTimeAsync(5_000));
  }

  it('does not fail a session started again within the timeout when the previous session’s deadline passes', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession({
      generator: tokenGenerator(),
      room,
      roomName: 'support',
      agentName: 'helper',
      agentConnectTimeoutMs: 20_000,
      microphone: false,
    });
    await endAfterAListeningAgent(session, room);

    const settled = await startOnFakeTimers(session);
    await act(() => vi.advanceTimersByTimeAsync(15_000));
    expect(session()).toMatchObject({ error: null, isStarting: true, isConnected: true });

    joinRemote(room, 'agent-2', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(settled()).toBe(true);
    expect(session()).toMatchObject({ error: null, isStarting: false, isConnected: true });
  });

  it('fails a session started again within the timeout at its own deadline, not earlier', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const { session } = renderSession({
      generator: tokenGenerator(),
      room,
      roomName: 'support',
      agentName: 'helper',
      agentConnectTimeoutMs: 20_000,
      microphone: false,
    });
    await endAfterAListeningAgent(session, room);

    const settled = await startOnFakeTimers(session);
    await act(() => vi.advanceTimersByTimeAsync(19_850));
    expect(settled()).toBe(false);
    expect(session().error).toBeNull();

    await act(() => vi.advanceTimersByTimeAsync(200));
    expect(settled()).toBe(true);
    expect(session().error).toMatchObject({ code: 'agent_failed', failureReasons: ['Agent did not join the room.'] });
    expect(room.state).toBe('disconnected');
  });

  it('does not fail a live session without an agent when agentName is added while connected and an agent leaves the room', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const props = { generator: tokenGenerator(), room, roomName: 'standup', microphone: false } as const;
    const { session, rerenderWith } = renderSession(props);
    const settled = await startOnFakeTimers(session);
    expect(settled()).toBe(true);

    rerenderWith({ ...props, agentName: 'helper' });
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await act(() => vi.advanceTimersByTimeAsync(10));
    leaveRemote(room, agent);
    await act(() => vi.advanceTimersByTimeAsync(10));

    expect(session()).toMatchObject({ isConnected: true, error: null });
  });

  it('reports agent_failed when the agent of a live session leaves after agentName was removed while connected', async () => {
    vi.useFakeTimers();
    const { room } = roomWithoutServer();
    const props = { generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', microphone: false } as const;
    const { session, rerenderWith } = renderSession(props);
    const settled = await startOnFakeTimers(session);
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(settled()).toBe(true);

    rerenderWith({ ...props, agentName: undefined });
    await act(() => vi.advanceTimersByTimeAsync(10));
    leaveRemote(room, agent);
    await act(() => vi.advanceTimersByTimeAsync(10));

    expect(session().error).toMatchObject({ code: 'agent_failed', message: 'The agent left the call: Agent left the room unexpectedly.' });
    expect(session().isConnected).toBe(true);
  });

  it('does not report agent_failed for an agent leaving while end() is still leaving the room (a slow leave)', async () => {
    vi.useFakeTimers();
    const w = scriptedWorld({ leaveMs: 400 });
    w.cooperate();
    const onError = vi.fn();
    const { session } = renderSession({
      generator: w.generator,
      room: w.room,
      roomName: 'support',
      agentName: 'helper',
      microphone: false,
      onError,
    });
    const settled = await startOnFakeTimers(session);
    w.agentEvent('joins ready');
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(settled()).toBe(true);

    // The server has our leave and the agent's job ends, before livekit-client's disconnect is done.
    act(() => void session().end());
    await act(() => vi.advanceTimersByTimeAsync(10));
    w.agentEvent('leaves');
    await act(() => vi.advanceTimersByTimeAsync(1_000));

    expect(w.room.state).toBe('disconnected');
    expect(session().error).toBeNull();
    expect(onError).not.toHaveBeenCalled();
  });

  it('a session started again in a room where an agent had left is ready once its own agent listens', async () => {
    vi.useFakeTimers();
    const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));
    // Leaving takes 400 ms; tokens and connects come when the test says.
    const w = scriptedWorld({ leaveMs: 400 });
    const props = { generator: w.generator, room: w.room, roomName: 'support', microphone: false } as const;
    const { session, rerenderWith } = renderSession(props, { strict: false });
    await advance(10);
    act(() => w.settleToken('resolves'));
    await advance(10);
    clickStart(session);
    await advance(10);
    expect(w.room.state).toBe('connecting');
    // With an agent from now on: restart() while the first start is still connecting.
    rerenderWith({ ...props, agentName: 'helper' });
    act(() => void session().restart());
    act(() => w.settleConnect('completes'));
    await advance(10);
    // While the abandoned start leaves its room, an agent comes and goes (useAgent: "Agent left the room unexpectedly").
    w.agentEvent('joins ready');
    await advance(10);
    w.agentEvent('leaves');
    await advance(10);
    act(() => w.settleToken('resolves'));

    // The leave ends and the next session connects at once, in one render: useAgent never sees the room disconnected.
    w.cooperate();
    await advance(1_000);
    expect(w.connects).toHaveLength(2);
    w.agentEvent('joins ready');
    await advance(10);

    // useAgent clears that failure only on a render that sees the room disconnected: the start waited
    // for its agent, there and listening, until its timeout.
    expect(session()).toMatchObject({ isConnected: true, isStarting: false, error: null });
  });
});

/** On fake timers, a started session with an agent, and what `useAgentStatus()` last said inside it. */
/** The participant publishes its microphone (an agent's voice), as participant and room announce it. */
function publishMicrophone(room: Room, participant: RemoteParticipant) {
  act(() => {
    const info = new TrackInfo({
      sid: `TR_${participant.identity}_microphone`,
      name: 'microphone',
      type: TrackType.AUDIO,
      source: TrackSource.MICROPHONE,
    });
    const publication = new RemoteTrackPublication(Track.Kind.Audio, info, false);
    participant['addTrackPublication'](publication);
    participant.emit(ParticipantEvent.TrackPublished, publication);
    room.emit(RoomEvent.TrackPublished, publication, participant);
  });
}

async function startWithAgentProbe() {
  vi.useFakeTimers();
  const { room } = roomWithoutServer();
  const agentStatus: { current: AgentStatus | null } = { current: null };
  function AgentProbe() {
    agentStatus.current = useAgentStatus();
    return null;
  }
  const { session } = renderSession(
    { generator: tokenGenerator(), room, roomName: 'support', agentName: 'helper', microphone: false },
    { children: <AgentProbe /> },
  );
  await startOnFakeTimers(session);
  return { room, session, agentStatus };
}

/** A whole full reconnect on fake timers: everyone leaves (then `midway` checks), `rejoin` brings them back, connected again. */
async function reconnectInFullWith(room: Room, rejoin: () => void, midway: () => void = () => {}) {
  act(() => {
    reconnectInFull(room);
  });
  await act(() => vi.advanceTimersByTimeAsync(10));
  midway();
  act(() => {
    rejoin();
    reconnected(room);
  });
  await act(() => vi.advanceTimersByTimeAsync(10));
}

/**
 * The start of livekit-client's full reconnect (the server restarted, or resuming failed): its
 * own `handleRestarting` — every remote participant leaves, and the room is reconnecting.
 */
function reconnectInFull(room: Room) {
  // livekit-client's own (private) restart handling.
  room['handleRestarting']();
}

/** The end of it: connected again, as livekit-client announces it. */
function reconnected(room: Room) {
  // livekit-client's own (private) state transition.
  room['setAndEmitConnectionState'](ConnectionState.Connected);
  room.emit(RoomEvent.Reconnected);
}

describe('CustomTokenSessionProvider with an agentConnectTimeoutMs that is not a duration', () => {
  it.each([Number.NaN, -1])(
    'throws a TypeError naming agentConnectTimeoutMs for %s, before any session dispatches an agent',
    (agentConnectTimeoutMs) => {
      expectRenderErrors();
      const generator = vi.fn(tokenGenerator());
      let thrown: unknown;
      try {
        renderSession({ generator, roomName: 'support', agentName: 'helper', agentConnectTimeoutMs });
      } catch (error) {
        thrown = error;
      }
      // (React 18 marks the error it rethrows with a property of its own: compare type and message.)
      expect(thrown).toBeInstanceOf(TypeError);
      expect((thrown as TypeError).message).toBe(
        `CustomTokenSessionProvider: \`agentConnectTimeoutMs\` must be a number, 0 or more, got number ${String(agentConnectTimeoutMs)}.`,
      );
      expect(generator).not.toHaveBeenCalled();
    },
  );
});
