import { act, render } from '@testing-library/react';
import { ConnectionState, RoomEvent, setLogLevel, type RemoteParticipant } from 'livekit-client';
import * as React from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSessionState, type UseSessionStateReturn } from '../../src/hooks/useSessionState';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { advance, flush } from '../helpers/fakeTime';
import { scriptedWorld } from '../helpers/scriptedWorld';

/*
 * An app that starts a new session as soon as its agent leaves — `restart()` (or `end()` then
 * `start()`) from its own `ParticipantDisconnected` listener, or a user's click in the same moment —
 * asks for the new session before React has rendered the old agent's departure. The old session's
 * failure must not fail the new one: a session fails for its own agent only.
 */

// The rooms here never reach a server; keep livekit-client's connection logs out of the output.
setLogLevel('silent');

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function renderAgentCall() {
  const w = scriptedWorld({ identity: 'ada' });
  const onError = vi.fn();
  const latest: { current: UseSessionStateReturn | null } = { current: null };
  function Probe() {
    latest.current = useSessionState();
    return null;
  }
  render(
    <React.StrictMode>
      <CustomTokenSessionProvider
        generator={w.generator}
        room={w.room}
        roomName="support"
        participantIdentity="ada"
        agentName="helper"
        agentConnectTimeoutMs={20_000}
        microphone={false}
        prefetch={false}
        onError={onError}
      >
        <Probe />
      </CustomTokenSessionProvider>
    </React.StrictMode>,
  );
  const session = () => latest.current as UseSessionStateReturn;
  /** A start whose token and connect come, then its agent: `'joins'` (not ready yet) or `'joins ready'`. */
  const joinWithAgent = async (agent: 'joins' | 'joins ready') => {
    act(() => void session().start());
    await flush();
    act(() => w.settleToken('resolves'));
    await flush();
    act(() => w.settleConnect('completes'));
    await flush();
    w.agentEvent(agent);
    await flush();
  };
  /** The agent leaves (`departure`), and the app's listener calls `then` in that task; returns the connects made before. */
  const agentLeaves = async (departure: 'leaves' | 'leaves, room deleted', then: (state: UseSessionStateReturn) => void) => {
    const onLeft = (participant: RemoteParticipant) => {
      if (participant.identity.startsWith('agent-')) then(session());
    };
    const connectsBefore = w.connects.length;
    w.room.on(RoomEvent.ParticipantDisconnected, onLeft);
    await act(async () => w.agentEvent(departure));
    w.room.off(RoomEvent.ParticipantDisconnected, onLeft);
    return connectsBefore;
  };
  return { w, onError, session, joinWithAgent, agentLeaves };
}

/** The new session's token, connect and agent come at once: it is connected with its agent, without an error. */
async function expectNewSessionConnected({ w, session }: ReturnType<typeof renderAgentCall>, connectsBefore: number) {
  w.cooperate();
  await advance(100);
  w.agentEvent('joins ready');
  await advance(100);
  expect(w.connects.length, 'a new connect').toBe(connectsBefore + 1);
  expect(w.room.state).toBe(ConnectionState.Connected);
  expect(session()).toMatchObject({ isConnected: true, isStarting: false, error: null });
}

describe('CustomTokenSessionProvider when a new session is asked for in the task the agent leaves', () => {
  for (const [how, departure] of [
    ['restart()', 'leaves'],
    ['end() then start()', 'leaves'],
    // The room deleted (the agent hung up for everyone): the old session's end, not the new one's.
    ['restart()', 'leaves, room deleted'],
    ['end() then start()', 'leaves, room deleted'],
  ] as const) {
    const restart = (state: UseSessionStateReturn) => {
      if (how === 'restart()') void state.restart();
      else {
        void state.end();
        void state.start();
      }
    };

    it(`${how} while the start waits for its agent, which ${departure}: the new session is not failed by the old agent`, async () => {
      const call = renderAgentCall();
      const { session } = call;
      await call.joinWithAgent('joins');
      expect(session(), 'connected, waiting for the agent').toMatchObject({ isConnected: true, isStarting: true });
      const connectsBefore = await call.agentLeaves(departure, restart);
      await flush();
      expect(session(), 'the new session is starting').toMatchObject({ isStarting: true, error: null });
      await expectNewSessionConnected(call, connectsBefore);
    });

    it(`${how} on a live call whose agent ${departure}: the new session is not failed by the old agent`, async () => {
      const call = renderAgentCall();
      const { session } = call;
      await call.joinWithAgent('joins ready');
      expect(session()).toMatchObject({ isConnected: true, isStarting: false, error: null });
      const connectsBefore = await call.agentLeaves(departure, restart);
      await flush();
      expect(session(), 'the new session is starting').toMatchObject({ isStarting: true, error: null });
      await expectNewSessionConnected(call, connectsBefore);
      expect(call.onError, 'leaving is no failure').not.toHaveBeenCalled();
    });
  }

  it('start() alone on a live call its agent leaves starts nothing, and the agent_failed stays', async () => {
    const call = renderAgentCall();
    const { w, session } = call;
    await call.joinWithAgent('joins ready');
    const connectsBefore = await call.agentLeaves('leaves', (state) => void state.start());
    await advance(1_000);
    expect(w.connects.length, 'no new connect').toBe(connectsBefore);
    expect(session().isConnected).toBe(true);
    expect(session().error?.code).toBe('agent_failed');
    expect(call.onError).toHaveBeenCalledTimes(1);
  });
});
