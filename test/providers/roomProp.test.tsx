import { RoomContext } from '@livekit/components-react';
import { act, waitFor } from '@testing-library/react';
import { decodeTokenPayload, ParticipantKind } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import { joinRemote, leaveRemote, roomWithoutServer, tokenGenerator } from '../helpers/room';
import type { AgentStatus } from '../../src/context/AgentStatusContext';
import { useAgentStatus } from '../../src/hooks/useAgentStatus';
import { renderSession, settle } from './render';

/** Lets timers and promises run for `ms` of real time (the rooms' leaves, a start's unwinding). */
const pause = (ms: number) => act(() => new Promise((resolve) => setTimeout(resolve, ms)));

describe('CustomTokenSessionProvider given another `room`', () => {
  it('with connect, moves a live call to the new room: the old one is left, the new one joined once', async () => {
    const first = roomWithoutServer();
    const second = roomWithoutServer();
    const props = { generator: tokenGenerator(), roomName: 'standup', connect: true, microphone: false } as const;
    const { session, rerenderWith } = renderSession({ ...props, room: first.room });
    await waitFor(() => expect(session().isConnected).toBe(true));

    rerenderWith({ ...props, room: second.room });
    await waitFor(() => expect(second.room.state).toBe('connected'));
    await waitFor(() => expect(session().isConnected).toBe(true));
    await pause(100);
    expect(first.room.state).toBe('disconnected');
    expect(first.connect).toHaveBeenCalledTimes(1);
    expect(second.connect).toHaveBeenCalledTimes(1);
    expect(session()).toMatchObject({ connectionState: 'connected', isConnected: true, error: null });
    await settle(() => session().end());
  });

  it('with connect, a start still connecting in the old room is abandoned and the new room joined; the old one never connects late', async () => {
    let finishConnecting = () => {};
    const first = roomWithoutServer({ connecting: new Promise<void>((resolve) => (finishConnecting = resolve)) });
    const second = roomWithoutServer();
    const props = { generator: tokenGenerator(), roomName: 'standup', connect: true, microphone: false } as const;
    const { session, rerenderWith } = renderSession({ ...props, room: first.room });
    await waitFor(() => expect(first.room.state).toBe('connecting'));

    rerenderWith({ ...props, room: second.room });
    finishConnecting();
    await waitFor(() => expect(second.room.state).toBe('connected'));
    await waitFor(() => expect(session().isConnected).toBe(true));
    await pause(100);
    expect(first.room.state).toBe('disconnected');
    expect(second.connect).toHaveBeenCalledTimes(1);
    expect(session()).toMatchObject({ connectionState: 'connected', isConnected: true, error: null });
    await settle(() => session().end());
  });

  it('with connect and freshRoomPerSession, the session in the new Room gets a LiveKit room of its own', async () => {
    const first = roomWithoutServer();
    const second = roomWithoutServer();
    const generator = tokenGenerator();
    const props = { generator, roomName: 'support', freshRoomPerSession: true, connect: true, microphone: false } as const;
    const { session, rerenderWith } = renderSession({ ...props, room: first.room });
    await waitFor(() => expect(session().isConnected).toBe(true));
    const joined = (connect: typeof first.connect) => decodeTokenPayload(connect.mock.calls[0]![1]).video?.room;

    rerenderWith({ ...props, room: second.room });
    await waitFor(() => expect(second.room.state).toBe('connected'));
    expect(joined(first.connect)).toMatch(/^support-/);
    expect(joined(second.connect)).toMatch(/^support-/);
    expect(joined(second.connect)).not.toBe(joined(first.connect));
    await settle(() => session().end());
  });

  it('without connect, ends the call with the old room (no error); start() joins the new one', async () => {
    const first = roomWithoutServer();
    const second = roomWithoutServer();
    const props = { generator: tokenGenerator(), roomName: 'standup', microphone: false } as const;
    const { session, rerenderWith } = renderSession({ ...props, room: first.room });
    await settle(() => session().start());

    rerenderWith({ ...props, room: second.room });
    await waitFor(() => expect(session().connectionState).toBe('disconnected'));
    await pause(100);
    expect(first.room.state).toBe('disconnected');
    expect(second.connect).not.toHaveBeenCalled();
    expect(session().error).toBeNull();

    await settle(() => session().start());
    expect(second.room.state).toBe('connected');
    expect(session()).toMatchObject({ connectionState: 'connected', isConnected: true, error: null });
    await settle(() => session().end());
  });

  it('without connect, a start() asked with the new room (one click handler sets both) joins the new room', async () => {
    const first = roomWithoutServer();
    const second = roomWithoutServer();
    const props = { generator: tokenGenerator(), roomName: 'standup', microphone: false } as const;
    const { session, rerenderWith } = renderSession({ ...props, room: first.room });

    // React renders once the handler returns: the start is asked before the provider sees the new room.
    act(() => {
      rerenderWith({ ...props, room: second.room });
      void session().start();
    });
    await waitFor(() => expect(second.room.state).toBe('connected'));
    await waitFor(() => expect(session().isConnected).toBe(true));
    expect(first.connect).not.toHaveBeenCalled();
    expect(second.connect).toHaveBeenCalledTimes(1);
    await settle(() => session().end());
  });

  it('with connect, after the agent left the call in the old room, the new one shows its own agent: connecting, then ready', async () => {
    const first = roomWithoutServer();
    const second = roomWithoutServer();
    const props = { generator: tokenGenerator(), roomName: 'support', agentName: 'helper', connect: true, microphone: false } as const;
    const agent = (room: typeof first.room, identity: string) =>
      joinRemote(room, identity, { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    const agentStatus: { current: AgentStatus | null } = { current: null };
    function AgentProbe() {
      agentStatus.current = useAgentStatus();
      return null;
    }
    const { session, rerenderWith } = renderSession({ ...props, room: first.room }, { children: <AgentProbe /> });
    await waitFor(() => expect(first.room.state).toBe('connected'));
    const helper = agent(first.room, 'agent-1');
    await waitFor(() => expect(session().isConnected).toBe(true));
    leaveRemote(first.room, helper);
    await waitFor(() => expect(session().error?.code).toBe('agent_failed'));

    rerenderWith({ ...props, room: second.room });
    await waitFor(() => expect(second.room.state).toBe('connected'));
    await pause(50);
    // LiveKit's useAgent went on saying `failed` ("Agent left the room unexpectedly") about the old room's agent.
    expect(agentStatus.current).toMatchObject({ state: 'connecting', failureReasons: [] });
    agent(second.room, 'agent-2');
    await waitFor(() => expect(session()).toMatchObject({ isConnected: true, isStarting: false, error: null }));
    expect(agentStatus.current?.state).toBe('listening');
    await settle(() => session().end());
  });

  it('inside a surrounding RoomContext, the `room` prop is the Room used', async () => {
    const outer = roomWithoutServer();
    const own = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), roomName: 'standup', microphone: false, room: own.room },
      { wrapper: ({ children }) => <RoomContext.Provider value={outer.room}>{children}</RoomContext.Provider> },
    );
    await settle(() => session().start());
    expect(own.room.state).toBe('connected');
    expect(outer.connect).not.toHaveBeenCalled();
    await settle(() => session().end());
  });
});
