import { act } from '@testing-library/react';
import { ParticipantKind } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import { useAgentStatus } from '../../src/hooks/useAgentStatus';
import { useCameraTracks } from '../../src/hooks/useCameraTracks';
import { useSessionActions } from '../../src/hooks/useSessionActions';
import { useSessionState } from '../../src/hooks/useSessionState';
import { joinRemote, publishCamera, setAttributes } from '../helpers/room';
import { renderLiveSession } from './render';

/** Counts the renders of a consumer of `useHook` (StrictMode renders twice; counts compare before/after). */
function counted(useHook: () => unknown) {
  const renders = { current: 0 };
  function Consumer() {
    useHook();
    renders.current += 1;
    return null;
  }
  return { Consumer, renders };
}

describe('render isolation (StrictMode)', () => {
  it('does not re-render an agent status consumer when a camera is published', async () => {
    const agent = counted(useAgentStatus);
    const cameras = counted(useCameraTracks);
    const room = await renderLiveSession(
      <>
        <agent.Consumer />
        <cameras.Consumer />
      </>,
    );
    const bob = joinRemote(room, 'bob');
    const agentBefore = agent.renders.current;
    const camerasBefore = cameras.renders.current;

    publishCamera(room, bob);

    expect(cameras.renders.current).toBeGreaterThan(camerasBefore);
    expect(agent.renders.current).toBe(agentBefore);
  });

  it('does not re-render a camera tracks consumer when the agent changes state', async () => {
    const agent = counted(useAgentStatus);
    const cameras = counted(useCameraTracks);
    const room = await renderLiveSession(
      <>
        <agent.Consumer />
        <cameras.Consumer />
      </>,
    );
    const helper = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'initializing' } });
    const agentBefore = agent.renders.current;
    const camerasBefore = cameras.renders.current;

    setAttributes(room, helper, { 'lk.agent.state': 'listening' });

    expect(agent.renders.current).toBeGreaterThan(agentBefore);
    expect(cameras.renders.current).toBe(camerasBefore);
  });

  it('does not re-render an actions-only consumer when the session state changes', async () => {
    const actionsOnly = counted(useSessionActions);
    const state = counted(useSessionState);
    const room = await renderLiveSession(
      <>
        <actionsOnly.Consumer />
        <state.Consumer />
      </>,
    );
    const actionsBefore = actionsOnly.renders.current;
    const stateBefore = state.renders.current;

    await act(() => room.disconnect());

    expect(state.renders.current).toBeGreaterThan(stateBefore);
    expect(actionsOnly.renders.current).toBe(actionsBefore);
  });

  it('re-renders no consumer for a room event none of them reads', async () => {
    const consumers = [counted(useAgentStatus), counted(useCameraTracks), counted(useSessionState), counted(useSessionActions)];
    const room = await renderLiveSession(consumers.map(({ Consumer }, index) => <Consumer key={index} />));
    const bob = joinRemote(room, 'bob');
    const before = consumers.map(({ renders }) => renders.current);

    setAttributes(room, bob, { hand: 'raised' });
    act(() => void room.emit('activeSpeakersChanged', [bob]));

    expect(consumers.map(({ renders }) => renders.current)).toEqual(before);
  });
});
