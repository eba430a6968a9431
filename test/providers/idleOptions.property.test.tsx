import { act } from '@testing-library/react';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TokenGenerator } from '../../src/core/types';
import { useTokenStatus, type UseTokenStatusReturn } from '../../src/hooks/useTokenStatus';
import type { CustomTokenSessionProviderProps } from '../../src/providers/CustomTokenSessionProvider';
import { advance, flush } from '../helpers/fakeTime';
import { mintingGenerator } from '../helpers/generators';
import { roomWithoutServer } from '../helpers/room';
import { renderSession } from './render';
import { propertyRuns } from '../helpers/propertyRuns';

/*
 * The real provider on a real Room without a server, driven through generated orders of room-name
 * changes (typed a key at a time, or picked), equal options passed anew, start(), end(), the
 * generator's answers and time (fake timers). Checked: the generator is called at most once per
 * start, end and quiet spell after a change (never once per key typed); with `prefetch={false}`
 * nothing is fetched before the first start(), and options are followed once a token was in hand; and once idle and quiet, the token in hand (or the
 * last call) is for the options a start() would use.
 */

const QUIET_MS = 500;
const ROOMS = ['s', 'su', 'sup', 'support', 'sales'] as const;

type Step =
  | { readonly do: 'room'; readonly name: (typeof ROOMS)[number] }
  | { readonly do: 'same options' | 'start' | 'end' | 'generator fails' | 'generator recovers' }
  | { readonly do: 'wait'; readonly ms: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ROOMS).map((name): Step => ({ do: 'room', name })) },
  { weight: 1, arbitrary: fc.constant<Step>({ do: 'same options' }) },
  { weight: 3, arbitrary: fc.constantFrom<Step>({ do: 'start' }, { do: 'end' }) },
  { weight: 1, arbitrary: fc.constantFrom<Step>({ do: 'generator fails' }, { do: 'generator recovers' }) },
  { weight: 5, arbitrary: fc.constantFrom(0, 120, 300, 600, 3_000).map((ms): Step => ({ do: 'wait', ms })) },
);

/** Replays a failure CI printed: `IDLE_OPTIONS_PROPERTY_SEED=<seed> IDLE_OPTIONS_PROPERTY_PATH=<path>`. */
const runs = {
  ...propertyRuns('IDLE_OPTIONS_PROPERTY', 40),
  ...(process.env.IDLE_OPTIONS_PROPERTY_PATH ? { path: process.env.IDLE_OPTIONS_PROPERTY_PATH } : {}),
};

afterEach(() => {
  vi.useRealTimers();
});

async function runScenario(setup: { prefetch: boolean; freshRoomPerSession: boolean }, steps: readonly Step[]) {
  vi.useFakeTimers();
  const minting = mintingGenerator();
  let failing = false;
  const generator = vi.fn<TokenGenerator>((request, context) =>
    failing ? Promise.reject(Object.assign(new Error('token service down'), { status: 503 })) : minting(request, context),
  );
  const token: { current: UseTokenStatusReturn | null } = { current: null };
  function TokenProbe() {
    token.current = useTokenStatus();
    return null;
  }
  const { room } = roomWithoutServer();
  let roomName: string = 'lobby';
  const props = (): CustomTokenSessionProviderProps => ({
    generator,
    room,
    roomName,
    participantAttributes: { role: 'guest' },
    microphone: false,
    retries: 0,
    // The bound below counts no refresh-ahead round after a retryable failure: the first comes half
    // of maxRetryDelayMs to all of it after (4–8 s by default, within a scenario's waits), so out of reach.
    maxRetryDelayMs: 10 * 60_000,
    ...setup,
  });
  const { session, rerenderWith, unmount } = renderSession(props(), { children: <TokenProbe />, strict: false });
  await flush();

  // The bound: the mount's pre-warm, one per start() and end(), one per quiet spell after a change.
  let allowed = setup.prefetch ? 1 : 0;
  let quietFor = Infinity;
  let started = false;
  // With prefetch off, the options are followed once a token has been in hand.
  let hadToken = false;
  for (const step of steps) {
    switch (step.do) {
      case 'room':
        // The same name again is no change (compared by value): the quiet spell goes on.
        if (step.name !== roomName) quietFor = 0;
        roomName = step.name;
        act(() => rerenderWith(props()));
        break;
      case 'same options':
        act(() => rerenderWith(props()));
        break;
      case 'start':
        started = true;
        allowed += 1;
        act(() => void session().start());
        break;
      case 'end':
        allowed += 1;
        act(() => void session().end());
        break;
      case 'generator fails':
        failing = true;
        break;
      case 'generator recovers':
        failing = false;
        break;
      case 'wait':
        if (quietFor < QUIET_MS && quietFor + step.ms >= QUIET_MS) allowed += 1;
        quietFor += step.ms;
        break;
    }
    await advance(step.do === 'wait' ? step.ms : 0);
    await flush();
    expect(generator.mock.calls.length, 'generator calls').toBeLessThanOrEqual(allowed);
    if (token.current!.token) hadToken = true;
    if (!setup.prefetch && !started) expect(generator, 'calls before the first start() with prefetch off').not.toHaveBeenCalled();
  }

  // Idle and quiet: the source is on the options a start() would use.
  failing = false;
  if (quietFor < QUIET_MS) allowed += 1;
  await advance(QUIET_MS + 50);
  await flush();
  expect(generator.mock.calls.length, 'generator calls').toBeLessThanOrEqual(allowed);
  if (!session().isConnected && !session().isStarting && (setup.prefetch || hadToken)) {
    const expected = setup.freshRoomPerSession ? new RegExp(`^${roomName}-\\w+$`) : new RegExp(`^${roomName}$`);
    const snapshot = token.current!;
    const current = snapshot.status === 'ready' ? snapshot.room : generator.mock.calls.at(-1)![0].roomName;
    expect(current, `the token source's room (${snapshot.status})`).toMatch(expected);
  }
  unmount();
  await flush();
}

describe('CustomTokenSessionProvider, options changed in any order with starts, ends and failures', () => {
  it('keeps the token in hand on the current options while idle, with one call per quiet spell', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ prefetch: fc.boolean(), freshRoomPerSession: fc.boolean() }),
        fc.array(stepArbitrary, { maxLength: 16 }),
        (setup, steps) => runScenario(setup, steps),
      ),
      runs,
    );
  });
});
