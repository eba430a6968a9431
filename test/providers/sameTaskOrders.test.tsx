import { act, render } from '@testing-library/react';
import { ConnectionState, setLogLevel } from 'livekit-client';
import * as React from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSessionState, type UseSessionStateReturn } from '../../src/hooks/useSessionState';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { advance, flush } from '../helpers/fakeTime';
import { fakeMediaDevices } from '../helpers/media';
import { scriptedWorld } from '../helpers/scriptedWorld';

/*
 * The moments between the awaits of a start. The property tests (lifecycle.property.test.tsx) let
 * every promise run out between two events; a user's Leave, an unmount or a restart() can also come
 * in the same task as the token's arrival, the connect's end, the camera's grant or the agent's
 * readiness, a few microtasks after it. Here such distances are tried, every one from 0 to 24
 * microtasks and a few up to 60 (past the start's next step, whatever it is: the token's arrival
 * reaches `Room.connect` in about 16), on the real provider, LiveKit's useSession and a real Room
 * whose connect skips only the network (`scriptedWorld`), in StrictMode. After `end()` or unmount:
 * no connect after the call, within 2 s nothing capturing, nothing published and the room left, no
 * generator call after unmount and none still running; `end()` is no failure, and a `start()` after
 * it connects. After `restart()`: one new session, connected, publishing one camera.
 */

// The rooms here never reach a server; keep livekit-client's connection logs out of the output.
setLogLevel('silent');

/** How far into a start the event comes: each waits for the one before it. */
const EVENTS = ['token arrives', 'connect completes', 'camera granted', 'agent becomes ready'] as const;
type Event = (typeof EVENTS)[number];
/** A step of the start that fails it instead, and the event it takes the place of. */
const FAILURES = { 'token refused': 'token arrives', 'connect fails': 'connect completes', 'agent leaves': 'agent becomes ready' } as const;
type Failure = keyof typeof FAILURES;
const ACTIONS = ['end', 'unmount', 'restart'] as const;
type Action = (typeof ACTIONS)[number];
/** Every distance up to 24 microtasks (the token's arrival reaches `Room.connect` in 16), then a few further. */
const TICKS = [...Array.from({ length: 25 }, (_, ticks) => ticks), 28, 32, 40, 48, 60];

let media: ReturnType<typeof fakeMediaDevices>;
beforeEach(() => {
  vi.useFakeTimers();
  media = fakeMediaDevices();
});
afterEach(() => {
  vi.useRealTimers();
});

async function run(happening: Event | Failure, ticks: number, action: Action): Promise<void> {
  const event: Event = happening in FAILURES ? FAILURES[happening as Failure] : (happening as Event);
  const w = scriptedWorld({ identity: 'ada' });
  const onError = vi.fn();
  const latest: { current: UseSessionStateReturn | null } = { current: null };
  function Probe() {
    latest.current = useSessionState();
    return null;
  }
  const session = () => latest.current as UseSessionStateReturn;
  const view = render(
    <React.StrictMode>
      <CustomTokenSessionProvider
        generator={w.generator}
        room={w.room}
        roomName="alpha"
        participantIdentity="ada"
        agentName="helper"
        agentConnectTimeoutMs={20_000}
        camera
        microphone={false}
        prefetch={false}
        onError={onError}
      >
        <Probe />
      </CustomTokenSessionProvider>
    </React.StrictMode>,
  );
  await flush();
  act(() => void session().start());
  await flush();
  // Every event before the one of this run, each run out.
  const events: Record<Event | Failure, () => void> = {
    'token arrives': () => w.settleToken('resolves'),
    'connect completes': () => w.settleConnect('completes'),
    'camera granted': () => media.grant(),
    'agent becomes ready': () => w.agentEvent('becomes ready'),
    'token refused': () => w.settleToken('rejects fatal'),
    'connect fails': () => w.settleConnect('fails'),
    'agent leaves': () => w.agentEvent('leaves'),
  };
  for (const earlier of EVENTS.slice(0, EVENTS.indexOf(event))) {
    act(() => events[earlier]());
    await flush();
    if (earlier === 'connect completes') w.agentEvent('joins');
  }
  expect(session().isStarting, 'still starting before the event').toBe(true);

  const at = { connects: -1, calls: -1 };
  await act(async () => {
    events[happening]();
    for (let tick = 0; tick < ticks; tick += 1) await Promise.resolve();
    at.connects = w.connects.length;
    at.calls = w.generator.mock.calls.length;
    if (action === 'unmount') view.unmount();
    else void session()[action]();
  });
  await flush();
  if (action === 'unmount') {
    expect(w.generator.mock.calls.length, 'no generator call after unmount').toBe(at.calls);
    expect(w.callsInFlight(), 'no generator call left running after unmount').toBe(0);
  }
  if (action !== 'restart') expect(w.connects.length, 'no connect after leaving').toBe(at.connects);
  // Whatever the camera's prompt does after it.
  act(() => media.grant());
  await advance(2_000);
  if (action !== 'restart') {
    expect(w.connects.length, 'no connect after leaving, 2 s on').toBe(at.connects);
    expect(w.room.state, 'the room is left within 2 s').toBe(ConnectionState.Disconnected);
    expect(w.room.localParticipant.trackPublications.size, 'nothing published').toBe(0);
    expect(media.live(), 'nothing capturing').toEqual([]);
  }
  // A failure that came first is the start's, heard of once; leaving is none.
  const failure = happening in FAILURES ? onError.mock.calls.map(([error]: unknown[]) => error) : [];
  expect(failure.length, 'onError calls').toBeLessThanOrEqual(happening in FAILURES ? 1 : 0);
  if (action === 'unmount') return;
  if (action === 'end') {
    expect(session(), 'leaving is no failure').toMatchObject({ isStarting: false, isEnding: false, error: failure[0] ?? null });
    act(() => void session().start());
  }
  // The session asked for last connects, with its own agent.
  w.cooperate();
  for (let i = 0; i < 10 && session().isStarting; i += 1) {
    act(() => media.grant());
    w.agentEvent('joins ready');
    await advance(100);
  }
  expect(session(), 'the session asked for last is connected').toMatchObject({ isConnected: true, isStarting: false, error: null });
  expect(w.room.state).toBe(ConnectionState.Connected);
  expect([...w.room.localParticipant.trackPublications.values()].map(({ kind }) => kind)).toEqual(['video']);
  expect(media.live(), 'only the live session’s camera captures').toHaveLength(1);
  view.unmount();
  await advance(2_000);
  expect(media.live()).toEqual([]);
}

describe('CustomTokenSessionProvider when a call comes in the same task as a step of the start', () => {
  for (const event of EVENTS)
    for (const action of ACTIONS)
      it(`${action === 'unmount' ? 'unmounting' : `${action}()`} 0–60 microtasks after "${event}" leaves nothing behind`, async () => {
        for (const ticks of TICKS) {
          try {
            await run(event, ticks, action);
          } catch (error) {
            throw new Error(`${ticks} microtasks after "${event}", ${action}: ${(error as Error).message}`, { cause: error });
          }
        }
      }, 60_000);

  for (const failure of Object.keys(FAILURES) as Failure[])
    for (const action of ACTIONS)
      it(`${action === 'unmount' ? 'unmounting' : `${action}()`} 0–60 microtasks after "${failure}" leaves nothing behind, and one error at most`, async () => {
        for (const ticks of TICKS) {
          try {
            await run(failure, ticks, action);
          } catch (error) {
            throw new Error(`${ticks} microtasks after "${failure}", ${action}: ${(error as Error).message}`, { cause: error });
          }
        }
      }, 60_000);
});
