import { act, render } from '@testing-library/react';
import * as React from 'react';
import { it, vi } from 'vitest';
import type { TokenFetchOptions } from '../../src/core/types';
import { roomWithoutServer } from '../../test/helpers/room';
import { mintToken } from '../../test/helpers/tokens';
import { settle } from '../../test/providers/render';
import { isSmoke, ratio, writeResult } from '../writeResult';
import { baseline, ours, type BenchGenerator, type SessionHandle, type Subject } from './subjects';

/** Nothing listens here: `useSession`'s mount-time `prepareConnection` fails fast (connect itself is skipped). */
const CLOSED_SERVER_URL = 'ws://127.0.0.1:65534';

interface Driver {
  start(): Promise<void>;
  end(): Promise<void>;
  rerender(options?: () => TokenFetchOptions): void;
}

interface Scenario {
  name: string;
  strict?: boolean;
  readers?: number;
  /** The token server's clock minus the browser's (DESIGN fact 2). */
  serverClockAheadMs?: number;
  options: () => TokenFetchOptions;
  steps: (driver: Driver) => Promise<void>;
}

const roomA = () => ({ roomName: 'A' });
const roomB = () => ({ roomName: 'B' });
const constantA = roomA();

const scenarios: Scenario[] = [
  {
    name: 'mount → start → end → start',
    options: () => constantA,
    steps: async (d) => (await d.start(), await d.end(), await d.start()),
  },
  {
    name: 'mount → start under StrictMode',
    strict: true,
    options: () => constantA,
    steps: (d) => d.start(),
  },
  {
    name: 'inline generator + inline attributes: 5 re-renders, start',
    options: () => ({ roomName: 'A', participantAttributes: { team: 'blue' } }),
    steps: async (d) => {
      for (let i = 0; i < 5; i++) d.rerender();
      await d.start();
    },
  },
  {
    name: '10 components read token status: mount → start',
    readers: 10,
    options: () => constantA,
    steps: (d) => d.start(),
  },
  {
    name: 'server clock 2 s ahead: mount → start → end → start',
    serverClockAheadMs: 2_000,
    options: () => constantA,
    steps: async (d) => (await d.start(), await d.end(), await d.start()),
  },
  {
    name: 'browser clock 1 h ahead: mount → start → end → start',
    serverClockAheadMs: -3_600_000,
    options: () => constantA,
    steps: async (d) => (await d.start(), await d.end(), await d.start()),
  },
  {
    name: 'options toggled A → B → A → B, a session each',
    options: roomA,
    steps: async (d) => {
      for (const options of [roomB, roomA, roomB]) {
        await d.start();
        await d.end();
        d.rerender(options);
      }
      await d.start();
    },
  },
];

/**
 * Mints a real token as a server whose clock is `aheadMs` ahead of this one would: livekit-server-sdk
 * reads the clock synchronously when `toJwt()` is called, so the shifted clock is only ever seen there.
 */
function mintOnServerClock(aheadMs: number, room: string, identity: string): Promise<string> {
  if (aheadMs === 0) return mintToken({ room, identity });
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + aheadMs });
  try {
    return mintToken({ room, identity });
  } finally {
    vi.useRealTimers();
  }
}

function countingGenerator(serverClockAheadMs = 0) {
  const counter = { calls: 0 };
  const generator: BenchGenerator = async (request) => {
    counter.calls += 1;
    const participantToken = await mintOnServerClock(
      serverClockAheadMs,
      request.roomName ?? 'room-a',
      request.participantIdentity ?? 'alice',
    );
    return { serverUrl: CLOSED_SERVER_URL, participantToken };
  };
  return { counter, generator };
}

/** Lets fetches that nobody awaits (pre-warm, forced fetch on `end()`) land: until the count holds still. */
async function quiet(count: () => number) {
  let last = -1;
  for (let i = 0; i < 40 && count() !== last; i++) {
    last = count();
    await act(() => new Promise((resolve) => setTimeout(resolve, 30)));
  }
}

async function generatorCalls(subject: Subject, scenario: Scenario): Promise<number> {
  const { counter, generator } = countingGenerator(scenario.serverClockAheadMs);
  const { room } = roomWithoutServer();
  const handle: { current?: SessionHandle } = {};
  const tree = (options: () => TokenFetchOptions) => {
    const element = (
      <subject.Component
        generator={generator}
        options={options}
        room={room}
        readers={scenario.readers ?? 0}
        onHandle={(h) => (handle.current = h)}
      />
    );
    return scenario.strict ? <React.StrictMode>{element}</React.StrictMode> : element;
  };
  const calls = () => counter.calls;
  const { rerender, unmount } = render(tree(scenario.options));
  await quiet(calls);
  let options = scenario.options;
  await scenario.steps({
    start: async () => (await settle(() => handle.current!.start().catch(() => undefined)), await quiet(calls)),
    end: async () => (await settle(() => handle.current!.end().catch(() => undefined)), await quiet(calls)),
    rerender: (next = options) => {
      options = next;
      rerender(tree(options));
    },
  });
  await quiet(calls);
  const callsBeforeUnmount = counter.calls;
  unmount();
  await room.disconnect();
  return callsBeforeUnmount;
}

it('counts generator calls per scenario, ours beside TokenSource.custom in useMemo', async () => {
  const rows: (string | number)[][] = [];
  for (const scenario of isSmoke ? scenarios.slice(0, 1) : scenarios) {
    const oursCalls = [];
    for (const subject of ours) oursCalls.push(await generatorCalls(subject, scenario));
    const baselineCalls = await generatorCalls(baseline, scenario);
    rows.push([scenario.name, ...oursCalls, baselineCalls, ratio(baselineCalls, Math.min(...oursCalls))]);
  }
  writeResult({
    id: '1-generator-calls',
    title: '1. Generator calls per scenario (jsdom, real tokens, LiveKit useSession)',
    baseline: baseline.name,
    columns: ['scenario', ...ours.map((s) => s.name), baseline.name, 'baseline ÷ ours (best)'],
    rows,
    notes: [
      'Real `Room` whose `connect` skips only the network (as in the unit tests); tokens minted by livekit-server-sdk; server URL on a closed loopback port.',
      "`end()` forces a fetch in LiveKit's `useSession` (for the next session) in every column.",
    ],
  });
});
