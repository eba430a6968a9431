import { RoomContext } from '@livekit/components-react';
import { act, render } from '@testing-library/react';
import fc from 'fast-check';
import { ConnectionState, decodeTokenPayload, DisconnectReason, RoomEvent, setLogLevel, type Room } from 'livekit-client';
import * as React from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CustomTokenError } from '../../src/core/errors';
import { useSessionState, type UseSessionStateReturn } from '../../src/hooks/useSessionState';
import { useAgentStatus } from '../../src/hooks/useAgentStatus';
import type { AgentStatus } from '../../src/context/AgentStatusContext';
import { CustomTokenSessionProvider, type CustomTokenSessionProviderProps } from '../../src/providers/CustomTokenSessionProvider';
import { fakeMediaDevices } from '../helpers/media';
import { scriptedWorld, type AgentEvent, type ConnectOutcome, type TokenOutcome } from '../helpers/scriptedWorld';
import { advance, flush } from '../helpers/fakeTime';
import { setBrowserOnline, setTabVisible } from '../helpers/tabLife';
import { propertyRuns } from '../helpers/propertyRuns';

/*
 * The real provider — LiveKit's own useSession, SessionProvider and useAgent inside — on a real
 * Room whose connect and publish skip only the network (`scriptedWorld`), driven through generated
 * orders of the user's calls, prop changes, the generator's and the connect's answers, the browser's
 * device grants, the server's disconnects, full reconnects (every remote participant taken away, the
 * room back later), an agent's comings and goings, the tab hidden or shown and the network gone or
 * back, and time (fake timers) —
 * and of the app's own moves: another `Room` (the `room` prop or a surrounding RoomContext; a third
 * one, or back to an earlier one), with a call or a `connect` change in the same render, and a new
 * `key`. Leaving a connected room may take a while (a slow leave). A `race` step puts an event and a
 * user's call (or an unmount) in the same task, a few microtasks apart (sameTaskOrders.test.tsx
 * tries every such distance for each step of a start).
 * After every step, the promises of docs/session-lifecycle.md are checked — also that `onError`
 * hears of each failure once, that `prefetch={false}` fetches nothing before a session is asked
 * for, and that nothing calls the generator, or keeps a call running, after unmount; then the world
 * cooperates and a final end(), start() and unmount must work. A counterexample is shrunk by
 * fast-check to a few steps: write it down as a plain test beside the others.
 */

// The rooms here never reach a server; keep livekit-client's connection logs out of the output.
setLogLevel('silent');

interface Options {
  roomName: 'alpha' | 'beta';
  participantName: 'Ada' | 'Bob';
  agentName: 'helper' | undefined;
  freshRoomPerSession: boolean;
  camera: boolean;
  microphone: boolean;
  connect: boolean | undefined;
  prefetch: boolean;
}

/** What the app does in the same render as giving the provider another Room (a click handler that does both). */
type Alongside = 'nothing' | 'start' | 'end' | 'connect true' | 'connect false' | 'connect unset';

type Step =
  | { readonly do: 'start' | 'end' | 'restart' | 'unmount' | 'grant camera and microphone' | 'server disconnects' }
  | { readonly do: 'room reconnects in full' | 'room reconnected' }
  | { readonly do: 'tab'; readonly visible: boolean }
  | { readonly do: 'network'; readonly online: boolean }
  | { readonly do: 'rerender'; readonly options: Options }
  | { readonly do: 'swap room'; readonly to: 0 | 1 | 2; readonly alongside: Alongside }
  | { readonly do: 'remount' }
  | { readonly do: 'token'; readonly outcome: TokenOutcome }
  | { readonly do: 'connect'; readonly outcome: ConnectOutcome }
  | { readonly do: 'agent'; readonly event: AgentEvent }
  | { readonly do: 'wait'; readonly ms: number }
  | { readonly do: 'race'; readonly event: RaceEvent; readonly ticks: number; readonly action: 'start' | 'end' | 'restart' | 'unmount' };

/** What happens a few microtasks before the user's call in a `race` step. */
type RaceEvent = 'token resolves' | 'token rejects retryable' | 'connect completes' | 'grant camera and microphone' | 'agent becomes ready';

const optionsArbitrary: fc.Arbitrary<Options> = fc.record({
  roomName: fc.constantFrom('alpha' as const, 'beta' as const),
  participantName: fc.constantFrom('Ada' as const, 'Bob' as const),
  agentName: fc.constantFrom(undefined, 'helper' as const),
  freshRoomPerSession: fc.boolean(),
  camera: fc.boolean(),
  microphone: fc.boolean(),
  connect: fc.constantFrom(undefined, true, false),
  prefetch: fc.boolean(),
});

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Step>({ do: 'start' }) },
  { weight: 4, arbitrary: fc.constant<Step>({ do: 'end' }) },
  { weight: 2, arbitrary: fc.constant<Step>({ do: 'restart' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ do: 'unmount' }) },
  { weight: 3, arbitrary: optionsArbitrary.map((options): Step => ({ do: 'rerender', options })) },
  {
    weight: 8,
    arbitrary: fc
      .constantFrom<TokenOutcome>('resolves', 'resolves', 'resolves', 'rejects retryable', 'rejects fatal')
      .map((outcome): Step => ({ do: 'token', outcome })),
  },
  {
    weight: 6,
    arbitrary: fc
      .constantFrom<ConnectOutcome>('completes', 'completes', 'completes', 'fails')
      .map((outcome): Step => ({ do: 'connect', outcome })),
  },
  { weight: 4, arbitrary: fc.constant<Step>({ do: 'grant camera and microphone' }) },
  { weight: 2, arbitrary: fc.constant<Step>({ do: 'server disconnects' }) },
  { weight: 1, arbitrary: fc.constantFrom<Step>({ do: 'room reconnects in full' }, { do: 'room reconnected' }) },
  // The tab hidden or shown, the network gone or back: refresh-ahead re-checks the token, never during a call.
  { weight: 2, arbitrary: fc.boolean().map((visible): Step => ({ do: 'tab', visible })) },
  { weight: 1, arbitrary: fc.boolean().map((online): Step => ({ do: 'network', online })) },
  {
    weight: 5,
    arbitrary: fc
      .constantFrom<AgentEvent>('joins ready', 'joins', 'becomes ready', 'leaves', 'leaves, room deleted')
      .map((event): Step => ({ do: 'agent', event })),
  },
  { weight: 5, arbitrary: fc.constantFrom(0, 10, 200, 1_600, 6_000).map((ms): Step => ({ do: 'wait', ms })) },
  { weight: 4, arbitrary: swapArbitrary() },
  { weight: 1, arbitrary: fc.constant<Step>({ do: 'remount' }) },
  { weight: 4, arbitrary: raceArbitrary() },
);

/**
 * An event and a user's call in the same task, `ticks` microtasks apart: the moments between the
 * awaits of a start (token in hand, devices asked, connect under way) that whole steps, each
 * flushed, never stop in.
 */
function raceArbitrary(): fc.Arbitrary<Step> {
  return fc.record({
    do: fc.constant('race' as const),
    event: fc.constantFrom<RaceEvent>(
      'token resolves',
      'token rejects retryable',
      'connect completes',
      'grant camera and microphone',
      'agent becomes ready',
    ),
    ticks: fc.integer({ min: 0, max: 40 }),
    action: fc.constantFrom('start' as const, 'end' as const, 'restart' as const, 'unmount' as const),
  });
}

function swapArbitrary(): fc.Arbitrary<Step> {
  return fc.record({
    do: fc.constant('swap room' as const),
    to: fc.constantFrom(0 as const, 1 as const, 2 as const),
    alongside: fc.constantFrom<Alongside>('nothing', 'nothing', 'start', 'end', 'connect true', 'connect false', 'connect unset'),
  });
}

/** A call with an agent, where the devices and options matter less: mostly the token, the connect, the agent and time. */
const agentStepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Step>({ do: 'start' }, { do: 'end' }, { do: 'restart' }) },
  { weight: 3, arbitrary: fc.constant<Step>({ do: 'token', outcome: 'resolves' }) },
  { weight: 3, arbitrary: fc.constant<Step>({ do: 'connect', outcome: 'completes' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ do: 'server disconnects' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ do: 'room reconnects in full' }) },
  { weight: 2, arbitrary: fc.constant<Step>({ do: 'room reconnected' }) },
  {
    weight: 6,
    arbitrary: fc
      .constantFrom<AgentEvent>('joins ready', 'joins', 'becomes ready', 'leaves', 'leaves, room deleted')
      .map((event): Step => ({ do: 'agent', event })),
  },
  { weight: 4, arbitrary: fc.constantFrom(10, 1_000, 2_000, 4_000, 6_000).map((ms): Step => ({ do: 'wait', ms })) },
  { weight: 2, arbitrary: swapArbitrary() },
  { weight: 3, arbitrary: raceArbitrary() },
);

/** How the scenario is rendered: StrictMode or not, the Room given as a prop or by a RoomContext, and how long a leave takes. */
interface Setup {
  strict: boolean;
  via: 'prop' | 'context';
  leaveMs: 0 | 400;
}

const setupArbitrary: fc.Arbitrary<Setup> = fc.record({
  strict: fc.boolean(),
  via: fc.constantFrom('prop' as const, 'context' as const),
  leaveMs: fc.constantFrom(0 as const, 400 as const),
});

const AGENT_TIMEOUT_MS = 5_000;
const IDENTITY = 'ada';

const dispatchesAgent = (token: string) => (decodeTokenPayload(token).roomConfig?.agents?.length ?? 0) > 0;

/** Runs per property (60 each, about 10 s); raise them, the steps and the seed to explore: `LIFECYCLE_PROPERTY_RUNS=400 LIFECYCLE_PROPERTY_STEPS=40`. */
const { numRuns: RUNS, ...seed } = propertyRuns('LIFECYCLE_PROPERTY', 60);
const MAX_STEPS = Number(process.env.LIFECYCLE_PROPERTY_STEPS ?? 18);

let media: ReturnType<typeof fakeMediaDevices>;
beforeEach(() => {
  media = fakeMediaDevices();
});
afterEach(() => {
  vi.useRealTimers();
  setTabVisible(true);
  setBrowserOnline(true);
});

/** The provider (under a `key`) with a probe of its state, on a Room given as a prop or by a surrounding RoomContext. */
function renderProvider(setup: Setup) {
  const latest: { current: UseSessionStateReturn | null } = { current: null };
  const agent: { current: AgentStatus | null } = { current: null };
  function Probe() {
    latest.current = useSessionState();
    agent.current = useAgentStatus();
    return null;
  }
  const tree = (props: CustomTokenSessionProviderProps, room: Room, key: number) => {
    const provider = (
      <CustomTokenSessionProvider key={key} {...props} room={setup.via === 'prop' ? room : undefined}>
        <Probe />
      </CustomTokenSessionProvider>
    );
    const inRoom = setup.via === 'context' ? <RoomContext.Provider value={room}>{provider}</RoomContext.Provider> : provider;
    return setup.strict ? <React.StrictMode>{inRoom}</React.StrictMode> : inRoom;
  };
  return { tree, session: () => latest.current as UseSessionStateReturn, agent: () => agent.current as AgentStatus };
}

/**
 * One run: the provider mounted with `initial`, driven through `steps`, every promise checked after
 * each step; then the world cooperates, and a final end(), start() and unmount are checked too.
 */
async function runScenario(initial: Options, steps: readonly Step[], setup: Setup): Promise<void> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await driveScenario(initial, steps, setup);
    // Let rejections of the run's last microtasks surface.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  expect(unhandled, 'unhandled promise rejections').toEqual([]);
}

async function driveScenario(initial: Options, steps: readonly Step[], setup: Setup): Promise<void> {
  vi.useFakeTimers();
  media.uninstall();
  media = fakeMediaDevices();
  const w = scriptedWorld({ identity: IDENTITY, rooms: 3, leaveMs: setup.leaveMs });
  /** Every `onError`, with its time and how many connects had been made by then. */
  const reported: { error: CustomTokenError; at: number; connects: number; step: number }[] = [];
  /** The step under way (-1: mounting), the last one in which an agent left, and when each Room last came back from a full reconnect. */
  let stepIndex = -1;
  let agentLeftInStep = -2;
  const reconnectedAt = new Map<Room, number>();
  const propsOf = (options: Options): CustomTokenSessionProviderProps => ({
    ...options,
    generator: w.generator,
    participantIdentity: IDENTITY,
    agentConnectTimeoutMs: AGENT_TIMEOUT_MS,
    retries: 1,
    retryDelayMs: 50,
    maxRetryDelayMs: 100,
    timeoutMs: 4_000,
    onError: (error) => reported.push({ error, at: Date.now(), connects: w.connects.length, step: stepIndex }),
  });
  let options = initial;
  /** The Room the app gives the provider now, and when each other one stopped being it. */
  let room = w.rooms[0]!;
  const leftRoomAt = new Map<Room, number>();
  let key = 0;
  const provider = renderProvider(setup);
  const view = render(provider.tree(propsOf(options), room, key));
  const rerender = () => view.rerender(provider.tree(propsOf(options), room, key));
  let unmounted = false;
  /** What was asked for last — `start` or `end` (unmount is an end) — and what there was then. */
  let intent: 'none' | 'start' | 'end' = initial.connect === true ? 'start' : initial.connect === false ? 'end' : 'none';
  let leftAt = { connects: 0, time: Date.now(), error: null as CustomTokenError | null, starting: false };
  /**
   * Whether a start was under way before the current step (its leave may come in the same act) — or
   * unwinding as the provider leaves its room itself, the app still asking for a session (its agent
   * heard leaving as the room is deleted): a failure it records once unwound happened before the step.
   */
  let startingBeforeStep = false;
  /** A leave after a leave (an end(), another Room, `connect={false}`) changes nothing the first one left: its moment, its error, whether a start was under way then. */
  const leave = () => {
    if (intent === 'end') return;
    intent = 'end';
    const error = unmounted ? null : provider.session().error;
    leftAt = { connects: w.connects.length, time: Date.now(), error, starting: startingBeforeStep };
  };
  /** Whether a token may have been asked for yet: `prefetch`, or a session asked for (`start()`, `restart()`, `connect`). */
  let mayFetch = false;
  /** A user's click: not awaited, and it must never reject. */
  const click = (action: 'start' | 'end' | 'restart') => {
    if (action !== 'end') mayFetch = true;
    const run = provider.session()[action];
    void run().catch((error: unknown) => expect.fail(`${action}() rejected: ${String(error)}`));
  };
  const userCall = (action: 'start' | 'end' | 'restart') => act(() => click(action));
  let connectsChecked = 0;
  let callsAtUnmount = -1;

  const check = (label: string) => {
    const state = unmounted ? null : provider.session();
    for (const { error } of reported) expect(error, `${label}: onError gets a CustomTokenError`).toBeInstanceOf(CustomTokenError);
    // onError hears of each failure once.
    expect(new Set(reported.map(({ error }) => error)).size, `${label}: onError called twice with one error`).toBe(reported.length);
    if (state?.error) expect(state.error, `${label}: error`).toBeInstanceOf(CustomTokenError);
    if (state) expect(state.connectionState, `${label}: the state follows the room`).toBe(room.state);
    // The agent of a session that dispatched one, said to have failed, is the session's error (not while a
    // start or an end is under way). (An agent the token did not dispatch fails no session, see above.)
    const lastConnect = w.connects.at(-1);
    const withAgent = lastConnect?.room === room && dispatchesAgent(lastConnect.token);
    if (state && withAgent && !w.isLeaving(room) && !state.isStarting && !state.isEnding && provider.agent().state === 'failed')
      expect(state.error?.code, `${label}: the agent failed, and the session says`).toBe('agent_failed');
    if (state && room.state === ConnectionState.Disconnected) {
      const agentNow = provider.agent();
      // Out of the room, no agent is ready; a session its agent failed says so.
      expect(agentNow.isConnected, `${label}: agent ready (${agentNow.state}) in a disconnected room`).toBe(false);
      if (state.error?.code === 'agent_failed' && !state.isStarting)
        expect(agentNow.state, `${label}: agent state after agent_failed`).toBe('failed');
      if (state.error === null) expect(agentNow.state, `${label}: agent state without an error`).not.toBe('failed');
    }
    // Every connect goes to the Room the app gives the provider at that moment: never a late one into a Room it left.
    for (const call of w.connects.slice(connectsChecked)) {
      expect(call.room === room, `${label}: a connect into room ${w.rooms.indexOf(call.room)}, not ${w.rooms.indexOf(room)}`).toBe(true);
    }
    connectsChecked = w.connects.length;
    // One Room of ours at a time is connected or connecting (not counting one being left).
    const active = w.rooms.filter((r) => r.state !== ConnectionState.Disconnected && !w.isLeaving(r));
    expect(
      active.map((r) => w.rooms.indexOf(r)),
      `${label}: rooms connected or connecting`,
    ).toEqual(active.includes(room) ? [w.rooms.indexOf(room)] : []);
    // A Room the app took away is left (as unmounting leaves it): being left at once, disconnected within 2 s, nothing published then.
    for (const [other, at] of leftRoomAt) {
      const index = w.rooms.indexOf(other);
      if (other.state !== ConnectionState.Disconnected)
        expect(w.isLeaving(other), `${label}: room ${index}, taken away, is left`).toBe(true);
      if (Date.now() - at >= 2_000) {
        expect(other.state, `${label}: room ${index}, taken away, is disconnected`).toBe(ConnectionState.Disconnected);
        expect(other.localParticipant.trackPublications.size, `${label}: room ${index}, taken away, publishes nothing`).toBe(0);
      }
    }
    // The agent is judged against its own session's deadline.
    for (const { error, at, connects } of reported) {
      // (An agent that joins and leaves before it is ready fails its session at once: that is its own failure, not a timeout.)
      if (error.code !== 'agent_failed' || !error.message.includes('did not become ready') || error.message.includes('left the room'))
        continue;
      const lastConnect = w.connects[connects - 1]?.at ?? -Infinity;
      expect(at - lastConnect, `${label}: agent failed ${at - lastConnect} ms after its connect`).toBeGreaterThanOrEqual(AGENT_TIMEOUT_MS);
    }
    // An agent a full reconnect took away has agentConnectTimeoutMs from the room's return to be back:
    // failed for leaving only when it left (in that step), or once that time is up.
    for (const { error, at, connects, step } of reported) {
      if (error.code !== 'agent_failed' || !error.failureReasons?.includes('Agent left the room unexpectedly.') || step === agentLeftInStep)
        continue;
      const back = reconnectedAt.get(w.connects[connects - 1]?.room ?? room) ?? -Infinity;
      expect(at - back, `${label}: agent failed (${error.message}) ${at - back} ms after the room was back`).toBeGreaterThanOrEqual(
        AGENT_TIMEOUT_MS,
      );
    }
    // Only the live session's own tracks are published, and only live ones (a room being left keeps them until it is).
    const published = [...room.localParticipant.trackPublications.values()];
    if (!w.isLeaving(room))
      for (const { track } of published) expect(track?.mediaStreamTrack.readyState, `${label}: a published track`).toBe('live');
    const sources = published.map(({ track }) => track?.source);
    expect(new Set(sources).size, `${label}: one publication per source (${sources.join(', ')})`).toBe(sources.length);
    // An agent fails only the session whose token dispatched one.
    for (const { error, connects } of reported) {
      if (error.code !== 'agent_failed') continue;
      const token = w.connects[connects - 1]?.token;
      expect(
        token !== undefined && dispatchesAgent(token),
        `${label}: agent_failed (${error.message}) in a session that dispatched no agent`,
      ).toBe(true);
    }
    // `prefetch={false}`: no token fetched until a session is asked for, whatever else happens.
    if (intent === 'start' || options.prefetch) mayFetch = true;
    if (!mayFetch) expect(w.generator.mock.calls.length, `${label}: generator calls with prefetch={false} before any start`).toBe(0);
    if (unmounted) {
      expect(w.generator.mock.calls.length, `${label}: no generator call after unmount`).toBe(callsAtUnmount);
      expect(w.callsInFlight(), `${label}: generator calls not aborted after unmount`).toBe(0);
    }
    if (intent !== 'end') return;
    const sinceLeft = Date.now() - leftAt.time;
    expect(w.connects.length, `${label}: no connect after leaving`).toBe(leftAt.connects);
    // At once (a live call's slow leave stops its tracks when it is done, within the 2 s).
    if (setup.leaveMs === 0 || sinceLeft >= 2_000) expect(media.live(), `${label}: nothing captures after leaving`).toEqual([]);
    if (state) {
      expect(state.isStarting, `${label}: not starting after end()`).toBe(false);
      // A start failed before the leave (its agent left, the server ended it) says so once it has unwound (a slow leave).
      const failedBefore = leftAt.starting && leftAt.error === null && ['agent_failed', 'disconnected'].includes(state.error?.code ?? '');
      if (failedBefore) leftAt.error = state.error;
      expect(state.error, `${label}: leaving is not a failure`).toBe(leftAt.error);
    }
    // Within 2 s (a connect under way is left to finish for up to 1.5 s); at once on unmount (unless the leave is slow).
    if ((unmounted && setup.leaveMs === 0) || sinceLeft >= 2_000) {
      expect(room.state, `${label}: left the room`).toBe(ConnectionState.Disconnected);
      expect(sources, `${label}: nothing published after leaving`).toEqual([]);
    }
  };

  let serverEnded = false;
  await flush();
  check('mount');
  for (const [index, step] of steps.entries()) {
    const label = `step ${index} (${JSON.stringify(step)})`;
    startingBeforeStep = !unmounted && (provider.session().isStarting || (intent === 'start' && provider.session().isEnding));
    stepIndex = index;
    switch (step.do) {
      case 'start':
      case 'end':
      case 'restart':
        if (unmounted) continue;
        userCall(step.do);
        if (step.do !== 'end') intent = 'start';
        else leave();
        break;
      case 'unmount':
        if (unmounted) continue;
        view.unmount();
        unmounted = true;
        callsAtUnmount = w.generator.mock.calls.length;
        leave();
        break;
      case 'rerender': {
        if (unmounted) continue;
        const liveAndIdle = room.state === ConnectionState.Connected && !provider.session().isStarting && !provider.session().isEnding;
        const before = {
          connects: w.connects.length,
          devices: media.getUserMedia.mock.calls.length,
          calls: w.generator.mock.calls.length,
        };
        const connectChanged = step.options.connect !== options.connect && step.options.connect !== undefined;
        options = step.options;
        rerender();
        if (connectChanged && options.connect === false) leave();
        else if (connectChanged) intent = 'start';
        await flush();
        if (liveAndIdle && !connectChanged) {
          // Options changed while connected leave the live call alone.
          expect(room.state, `${label}: the live call stays`).toBe(ConnectionState.Connected);
          expect(w.connects.length, `${label}: no reconnect`).toBe(before.connects);
          expect(media.getUserMedia.mock.calls.length, `${label}: nothing republished`).toBe(before.devices);
          expect(w.generator.mock.calls.length, `${label}: no token fetched while connected`).toBe(before.calls);
        }
        break;
      }
      case 'swap room': {
        if (unmounted) continue;
        const next = w.rooms[step.to]!;
        const connectTo = { 'connect true': true, 'connect false': false, 'connect unset': undefined } as const;
        const connect = step.alongside in connectTo ? connectTo[step.alongside as keyof typeof connectTo] : options.connect;
        const connectChanged = connect !== options.connect;
        options = { ...options, connect };
        const swapped = next !== room;
        // A start asked for and not finished: running, or queued behind a leave (`restart()` while leaving).
        const wasStarting = provider.session().isStarting || (intent === 'start' && provider.session().isEnding);
        if (swapped) {
          leftRoomAt.set(room, Date.now());
          leftRoomAt.delete(next);
          room = next;
        }
        // In one render, as a click handler that sets the room and calls an action does.
        act(() => {
          rerender();
          if (step.alongside === 'start' || step.alongside === 'end') click(step.alongside);
        });
        // A new Room or `connect` value asserts `connect` again, after the click; otherwise the click is the last call.
        // A new Room alone ends a live call in the old one; a start() not finished follows it.
        const connectAsserted = swapped || connectChanged;
        // (The click comes first: a start() before `connect={false}` makes its leave a new one.)
        if (step.alongside === 'start') intent = 'start';
        if (connectAsserted && connect === false) leave();
        else if (connectAsserted && connect === true) intent = 'start';
        else if (step.alongside === 'end') leave();
        else if (swapped && !wasStarting && step.alongside !== 'start') leave();
        break;
      }
      case 'remount':
        if (unmounted) continue;
        key += 1;
        rerender();
        // A new provider: the old one left (as unmounting does), and the new one has no error of its own.
        leave();
        leftAt = { ...leftAt, error: null, starting: false };
        if (options.connect === true) intent = 'start';
        break;
      case 'token':
        act(() => w.settleToken(step.outcome));
        break;
      case 'connect':
        act(() => w.settleConnect(step.outcome));
        break;
      case 'grant camera and microphone':
        act(() => media.grant());
        break;
      case 'server disconnects':
        if (room.state !== ConnectionState.Connected || w.isLeaving(room)) break;
        // A session that has failed already (its agent left: the call goes on) keeps its first error.
        if (intent === 'start' && provider.session().error === null) serverEnded = true;
        act(() => void room['handleDisconnect'](true, DisconnectReason.SERVER_SHUTDOWN));
        break;
      case 'room reconnects in full':
        if (room.state !== ConnectionState.Connected || w.isLeaving(room)) break;
        // livekit-client's own handleRestarting: every remote participant leaves, the room says reconnecting.
        act(() => {
          room['handleRestarting']();
        });
        break;
      case 'room reconnected':
        if (room.state !== ConnectionState.Reconnecting) break;
        act(() => reconnected(room));
        reconnectedAt.set(room, Date.now());
        break;
      case 'agent': {
        const agentsBefore = room.remoteParticipants.size;
        w.agentEvent(step.event, room);
        if (room.remoteParticipants.size < agentsBefore) agentLeftInStep = index;
        break;
      }
      case 'tab':
      case 'network': {
        const liveAndIdle = !unmounted && room.state === ConnectionState.Connected && !provider.session().isStarting;
        const calls = w.generator.mock.calls.length;
        act(() => (step.do === 'tab' ? setTabVisible(step.visible) : setBrowserOnline(step.online)));
        await flush();
        if (liveAndIdle && room.state === ConnectionState.Connected)
          expect(w.generator.mock.calls.length, `${label}: no token fetched while connected`).toBe(calls);
        break;
      }
      case 'wait':
        await advance(step.ms);
        break;
      case 'race': {
        if (unmounted) continue;
        const { event, ticks, action } = step;
        const heard = reported.length;
        await act(async () => {
          if (event === 'token resolves') w.settleToken('resolves');
          else if (event === 'token rejects retryable') w.settleToken('rejects retryable');
          else if (event === 'connect completes') w.settleConnect('completes');
          else if (event === 'grant camera and microphone') media.grant();
          else w.agentEvent('becomes ready', room);
          for (let tick = 0; tick < ticks; tick += 1) await Promise.resolve();
          // What there was at the moment of the call, not once the act is over: a connect after it is a late one.
          if (action === 'unmount') {
            leave();
            view.unmount();
            unmounted = true;
            callsAtUnmount = w.generator.mock.calls.length;
          } else {
            click(action);
            if (action === 'end') leave();
            else intent = 'start';
          }
        });
        // A start whose token call failed in the task of the end(), before it, failed (its run was over, its error
        // not yet recorded): that failure is its error, heard of as the end() begins, not one of leaving.
        await flush();
        if (action === 'end' && event === 'token rejects retryable' && reported.length > heard && leftAt.error === null)
          leftAt.error = reported.at(-1)!.error;
        break;
      }
    }
    await flush();
    check(label);
    if (serverEnded) expect(provider.session().error?.code, `${label}: a session the server ended is an error`).toBe('disconnected');
    serverEnded = false;
  }

  // Whatever happened, the world now cooperates, the user on the tab and online (a retry waits for both: TanStack
  // Query's): leaving leaves nothing, and a new start connects with the latest options.
  act(() => {
    setTabVisible(true);
    setBrowserOnline(true);
  });
  w.cooperate();
  if (room.state === ConnectionState.Reconnecting) act(() => reconnected(room));
  for (let i = 0; i < 10; i += 1) {
    act(() => media.grant());
    await advance(100);
  }
  // The agent of the session in the room comes (its token's, which may be of earlier options).
  const lastConnect = w.connects.at(-1);
  if (lastConnect?.room === room && dispatchesAgent(lastConnect.token)) {
    w.agentEvent('joins ready', room);
    w.agentEvent('becomes ready', room);
  }
  await advance(2_000);
  check('settled');
  // A session asked for (by start() or `connect`) and not failed is connected by now, in the Room the app gives.
  if (!unmounted && intent === 'start' && provider.session().error === null) {
    expect(provider.session(), 'settled: the session asked for is connected').toMatchObject({ isConnected: true, isStarting: false });
    expect(room.state, 'settled: in the current room').toBe(ConnectionState.Connected);
  }
  if (!unmounted) {
    userCall('end');
    leave();
    await advance(3_000);
    check('after a final end()');

    const connectsBefore = w.connects.length;
    userCall('start');
    intent = 'start';
    for (let i = 0; i < 10 && !provider.session().isConnected; i += 1) {
      await advance(100);
      act(() => media.grant());
    }
    if (options.agentName) w.agentEvent('joins ready', room);
    await advance(100);
    expect(provider.session(), 'a start() after end() connects').toMatchObject({ isConnected: true, isStarting: false, error: null });
    expect(w.connects.length).toBe(connectsBefore + 1);
    const token = decodeTokenPayload(w.connects.at(-1)!.token);
    const roomName = token.video?.room ?? '';
    if (options.freshRoomPerSession) expect(roomName.startsWith(`${options.roomName}-`), `fresh room ${roomName}`).toBe(true);
    else expect(roomName).toBe(options.roomName);
    expect(token.name, 'the name of the latest options').toBe(options.participantName);
    const kinds = [...room.localParticipant.trackPublications.values()].map((publication) => publication.kind).sort();
    expect(kinds, 'the tracks of the latest options').toEqual([
      ...(options.microphone ? ['audio'] : []),
      ...(options.camera ? ['video'] : []),
    ]);

    view.unmount();
    unmounted = true;
    callsAtUnmount = w.generator.mock.calls.length;
    leave();
  }
  await advance(3_000);
  check('after unmount');
  expect(media.live()).toEqual([]);
  for (const each of w.rooms) expect(each.state, `room ${w.rooms.indexOf(each)} after unmount`).toBe(ConnectionState.Disconnected);
  vi.useRealTimers();
}

/** A full reconnect done, as livekit-client's handleSignalRestarted ends one. */
function reconnected(room: Room) {
  room['setAndEmitConnectionState'](ConnectionState.Connected);
  room.emit(RoomEvent.Reconnected);
}

const CALL: Options = {
  roomName: 'alpha',
  participantName: 'Ada',
  agentName: undefined,
  freshRoomPerSession: false,
  camera: false,
  microphone: false,
  connect: undefined,
  prefetch: true,
};
const joined: Step[] = [{ do: 'token', outcome: 'resolves' }, { do: 'start' }, { do: 'connect', outcome: 'completes' }];

const PLAIN: Setup = { strict: true, via: 'prop', leaveMs: 0 };
const SLOW: Setup = { strict: false, via: 'prop', leaveMs: 400 };

/** Orders always tried first: counterexamples found before, and orders random ones reach only rarely. */
const examples: [Options, Step[], Setup][] = [
  // A start abandoned while its camera was being granted published it into the next session.
  [{ ...CALL, camera: true }, [{ do: 'token', outcome: 'resolves' }, { do: 'start' }, { do: 'restart' }], { ...PLAIN, strict: false }],
  // agentName set for the next session failed a live call without an agent when an agent left.
  [
    CALL,
    [
      ...joined,
      { do: 'rerender', options: { ...CALL, agentName: 'helper' } },
      { do: 'agent', event: 'joins ready' },
      { do: 'agent', event: 'leaves' },
    ],
    PLAIN,
  ],
  // The server ends a live call.
  [CALL, [...joined, { do: 'server disconnects' }], PLAIN],
  // A start() asked with a new Room (one click handler) was abandoned by the switch: nothing connected.
  [
    CALL,
    [
      { do: 'swap room', to: 1, alongside: 'start' },
      { do: 'token', outcome: 'resolves' },
    ],
    PLAIN,
  ],
  // An unmounted provider's end(), queued behind a slow leave, disconnected the provider remounted on its Room.
  [
    { ...CALL, connect: true },
    [...joined.slice(0, 1), { do: 'connect', outcome: 'completes' }, { do: 'end' }, { do: 'start' }, { do: 'restart' }, { do: 'remount' }],
    SLOW,
  ],
  // A start whose token call failed 16 microtasks before end(), in one task: the start was over, its error recorded
  // just after the end() was asked — the failure is the start's, not one of leaving (the property's count was wrong).
  [
    CALL,
    [
      { do: 'restart' },
      { do: 'wait', ms: 6_000 },
      { do: 'race', event: 'token rejects retryable', ticks: 16, action: 'end' },
      { do: 'connect', outcome: 'completes' },
    ],
    { ...PLAIN, strict: false },
  ],
  // An agent leaving during end()'s slow leave was reported as agent_failed.
  [
    { ...CALL, agentName: 'helper' },
    [...joined, { do: 'agent', event: 'joins ready' }, { do: 'end' }, { do: 'agent', event: 'leaves' }],
    SLOW,
  ],
  // After an agent left, a session connecting right after a slow leave waited for its agent until the timeout.
  [
    CALL,
    [
      { do: 'token', outcome: 'resolves' },
      { do: 'start' },
      { do: 'rerender', options: { ...CALL, agentName: 'helper', prefetch: false } },
      { do: 'restart' },
      { do: 'connect', outcome: 'completes' },
      { do: 'agent', event: 'joins ready' },
      { do: 'agent', event: 'leaves' },
      { do: 'token', outcome: 'resolves' },
    ],
    SLOW,
  ],
  // A start failed by its agent (who joined and left) and left with `connect={false}` while it unwound slowly: its error stands.
  [
    { ...CALL, agentName: 'helper', prefetch: false },
    [
      { do: 'swap room', to: 2, alongside: 'start' },
      { do: 'token', outcome: 'resolves' },
      { do: 'connect', outcome: 'completes' },
      { do: 'agent', event: 'joins' },
      { do: 'agent', event: 'leaves' },
      { do: 'swap room', to: 2, alongside: 'connect false' },
    ],
    SLOW,
  ],
  // A start failed by its agent (who joined and left), ended twice while it unwound slowly: its error stands.
  [
    { ...CALL, agentName: 'helper', prefetch: false },
    [
      { do: 'start' },
      { do: 'token', outcome: 'resolves' },
      { do: 'connect', outcome: 'completes' },
      { do: 'agent', event: 'joins' },
      { do: 'agent', event: 'leaves' },
      { do: 'end' },
      { do: 'end' },
    ],
    SLOW,
  ],
  // After the agent left the old Room, useAgent said `failed` in the new one.
  [
    { ...CALL, agentName: 'helper', connect: true },
    [
      { do: 'token', outcome: 'resolves' },
      { do: 'connect', outcome: 'completes' },
      { do: 'agent', event: 'joins ready' },
      { do: 'agent', event: 'leaves' },
      { do: 'swap room', to: 1, alongside: 'nothing' },
    ],
    PLAIN,
  ],
  // A restart() still leaving the old Room when the app gave another one was dropped: nothing started.
  [CALL, [...joined, { do: 'restart' }, { do: 'swap room', to: 1, alongside: 'nothing' }], SLOW],
  // Back in the old Room while it was still being left (after an end() that found the new one
  // disconnected), its agent leaving was taken for the old session's agent failing.
  [
    { ...CALL, agentName: 'helper', connect: true, prefetch: false },
    [
      { do: 'token', outcome: 'resolves' },
      { do: 'connect', outcome: 'completes' },
      { do: 'agent', event: 'joins ready' },
      { do: 'swap room', to: 1, alongside: 'nothing' },
      { do: 'end' },
      { do: 'swap room', to: 0, alongside: 'connect unset' },
      { do: 'agent', event: 'leaves' },
    ],
    SLOW,
  ],
];

/** The agent property's orders always tried first: counterexamples its random orders found (CI, and wider searches). */
const agentExamples: [Options, Step[], Setup][] = [
  // The agent left a start as its room was deleted; the user's end() came while that start unwound (a slow leave):
  // the start's `disconnected` failure, recorded once it unwound, stands (the property took it for one of leaving).
  [
    { ...CALL, agentName: 'helper', prefetch: false },
    [
      { do: 'race', event: 'token resolves', ticks: 0, action: 'start' },
      { do: 'token', outcome: 'resolves' },
      { do: 'connect', outcome: 'completes' },
      { do: 'agent', event: 'joins' },
      { do: 'agent', event: 'leaves, room deleted' },
      { do: 'race', event: 'token resolves', ticks: 0, action: 'end' },
    ],
    SLOW,
  ],
  // A start() on a live call whose agent had left cleared its agent_failed: the session said nothing, the agent status `failed`.
  [
    { ...CALL, agentName: 'helper', prefetch: false },
    [
      { do: 'start' },
      { do: 'token', outcome: 'resolves' },
      { do: 'connect', outcome: 'completes' },
      { do: 'agent', event: 'joins ready' },
      { do: 'agent', event: 'leaves' },
      { do: 'start' },
    ],
    { ...PLAIN, strict: false },
  ],
  // A full reconnect took the ready agent away, and it is not back: it fails the session agentConnectTimeoutMs after the room's return, not before.
  [
    { ...CALL, agentName: 'helper' },
    [
      ...joined,
      { do: 'agent', event: 'joins ready' },
      { do: 'room reconnects in full' },
      { do: 'wait', ms: 1_000 },
      { do: 'room reconnected' },
      { do: 'wait', ms: 4_000 },
      { do: 'wait', ms: 2_000 },
    ],
    PLAIN,
  ],
  // A restart() still leaving the old Room when the app gave another one (and start() in the same click) was dropped: nothing started.
  [
    { ...CALL, agentName: 'helper' },
    [
      { do: 'token', outcome: 'resolves' },
      { do: 'start' },
      { do: 'connect', outcome: 'completes' },
      { do: 'agent', event: 'joins ready' },
      { do: 'restart' },
      { do: 'swap room', to: 1, alongside: 'start' },
      { do: 'agent', event: 'joins ready' },
    ],
    SLOW,
  ],
  // The agent left a live call (agent_failed; the call goes on), then the server ended it: the first failure stays the error.
  [
    { ...CALL, agentName: 'helper', connect: true, prefetch: false },
    [
      { do: 'token', outcome: 'resolves' },
      { do: 'connect', outcome: 'completes' },
      { do: 'agent', event: 'joins ready' },
      { do: 'agent', event: 'leaves' },
      { do: 'server disconnects' },
    ],
    { ...PLAIN, strict: false },
  ],
  // A start() in the click that gives another Room with `connect={false}`, after an end() that kept a timed-out start's error: the start clears it.
  [
    { ...CALL, agentName: 'helper', connect: false, prefetch: false },
    [{ do: 'start' }, { do: 'wait', ms: 4_000 }, { do: 'wait', ms: 6_000 }, { do: 'end' }, { do: 'swap room', to: 1, alongside: 'start' }],
    { ...PLAIN, strict: false },
  ],
  // The agent left a start (after a restart()) that end() then left slowly, and another Room came: the start's failure stands.
  [
    { ...CALL, agentName: 'helper', prefetch: false },
    [
      { do: 'start' },
      { do: 'token', outcome: 'resolves' },
      { do: 'restart' },
      { do: 'connect', outcome: 'completes' },
      { do: 'agent', event: 'joins ready' },
      { do: 'agent', event: 'leaves' },
      { do: 'end' },
      { do: 'swap room', to: 1, alongside: 'nothing' },
      { do: 'server disconnects' },
    ],
    SLOW,
  ],
  // The agent a full reconnect took away failed the call; an agent joining the room while end() left it (a slow leave) took that error back.
  [
    { ...CALL, agentName: 'helper', connect: true, prefetch: false },
    [
      { do: 'token', outcome: 'resolves' },
      { do: 'connect', outcome: 'completes' },
      { do: 'agent', event: 'joins ready' },
      { do: 'room reconnects in full' },
      { do: 'room reconnected' },
      { do: 'wait', ms: 6_000 },
      { do: 'end' },
      { do: 'agent', event: 'joins ready' },
    ],
    SLOW,
  ],
];

describe('CustomTokenSessionProvider in any order of events', () => {
  it('leaves nothing behind after end() or unmount, never connects late, reports one typed error and starts again', async () => {
    const steps = fc.array(stepArbitrary, { minLength: 1, maxLength: MAX_STEPS, size: 'max' });
    await fc.assert(fc.asyncProperty(optionsArbitrary, steps, setupArbitrary, runScenario), { numRuns: RUNS, examples, ...seed });
  }, 120_000);

  it('judges each agent session by its own deadline and token, in any order of starts, ends and agent events', async () => {
    const agentCall = optionsArbitrary.map((options): Options => ({ ...options, agentName: 'helper', camera: false, microphone: false }));
    const steps = fc.array(agentStepArbitrary, { minLength: 1, maxLength: MAX_STEPS, size: 'max' });
    await fc.assert(fc.asyncProperty(agentCall, steps, setupArbitrary, runScenario), { numRuns: RUNS, examples: agentExamples, ...seed });
  }, 120_000);
});
