import { act, render } from '@testing-library/react';
import fc from 'fast-check';
import { ConnectionState, setLogLevel } from 'livekit-client';
import * as React from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { useSessionState, type UseSessionStateReturn } from '../../src/hooks/useSessionState';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { advance, flush } from '../helpers/fakeTime';
import { scriptedWorld, type ConnectOutcome, type TokenOutcome } from '../helpers/scriptedWorld';
import { propertyRuns } from '../helpers/propertyRuns';

/*
 * Two providers on the same tokens — one `tokenSource` given to both, or each its own source of one
 * `scope` (the same options, each its own real Room whose connect skips only the network) — driven
 * through generated orders of their users' start(), end(), restart() and leaving the page
 * (unmount), the generator's and the connects' answers, and time. Whatever one user does, the
 * other's session follows its own last call: a start is never failed, nor left hanging, by the
 * other provider's leave. A counterexample is shrunk to a few steps: write it down as a plain test
 * in sharedTokenSource.test.tsx.
 */

setLogLevel('silent');

type Who = 0 | 1;
type Sharing = 'one tokenSource' | 'one scope';
type Step =
  | { readonly do: 'start' | 'end' | 'restart' | 'unmount'; readonly who: Who }
  | { readonly do: 'token'; readonly outcome: TokenOutcome }
  | { readonly do: 'connect'; readonly outcome: ConnectOutcome }
  | { readonly do: 'wait'; readonly ms: number };

const who = fc.constantFrom<Who>(0, 1);
const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: who.map((w): Step => ({ do: 'start', who: w })) },
  { weight: 3, arbitrary: who.map((w): Step => ({ do: 'end', who: w })) },
  { weight: 1, arbitrary: who.map((w): Step => ({ do: 'restart', who: w })) },
  { weight: 1, arbitrary: who.map((w): Step => ({ do: 'unmount', who: w })) },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom<TokenOutcome>('resolves', 'resolves', 'rejects retryable')
      .map((outcome): Step => ({ do: 'token', outcome })),
  },
  { weight: 3, arbitrary: fc.constant<Step>({ do: 'connect', outcome: 'completes' }) },
  { weight: 2, arbitrary: fc.constantFrom(10, 2_000).map((ms): Step => ({ do: 'wait', ms })) },
);

/** Runs of the property (40, a few seconds); raise them to explore: `SHARED_SOURCE_PROPERTY_RUNS=400`. */
const { numRuns: RUNS, ...seed } = propertyRuns('SHARED_SOURCE_PROPERTY', 40);

afterEach(() => {
  vi.useRealTimers();
});

async function runScenario(steps: readonly Step[], strict: boolean, sharing: Sharing): Promise<void> {
  vi.useFakeTimers();
  const w = scriptedWorld({ rooms: 2 });
  const source = createCustomTokenSource(w.generator, { retries: 0, timeoutMs: 4_000 });
  // One tokenSource given to both, or a source each (the provider's own) sharing one `scope`.
  const tokens =
    sharing === 'one tokenSource' ? { tokenSource: source } : { generator: w.generator, scope: 'call', retries: 0, timeoutMs: 4_000 };
  const sessions: (UseSessionStateReturn | null)[] = [null, null];
  function Probe({ index }: { index: Who }) {
    sessions[index] = useSessionState();
    return null;
  }
  /** Which providers are still mounted: a user may leave the page (unmount) while the other stays. */
  const mounted = [true, true];
  const tree = () => {
    const providers = ([0, 1] as const).map((index) =>
      mounted[index] ? (
        <CustomTokenSessionProvider key={index} {...tokens} room={w.rooms[index]} roomName="support" microphone={false} prefetch={false}>
          <Probe index={index} />
        </CustomTokenSessionProvider>
      ) : null,
    );
    return strict ? <React.StrictMode>{providers}</React.StrictMode> : <>{providers}</>;
  };
  const view = render(tree());
  const intent: ('none' | 'start' | 'end')[] = ['none', 'none'];
  await flush();
  for (const [index, step] of steps.entries()) {
    const label = `step ${index} (${JSON.stringify(step)})`;
    switch (step.do) {
      case 'unmount':
        if (!mounted[step.who]) break;
        mounted[step.who] = false;
        view.rerender(tree());
        intent[step.who] = 'end';
        break;
      case 'start':
      case 'end':
      case 'restart': {
        if (!mounted[step.who]) break;
        const action = step.do;
        act(() => void sessions[step.who]![action]().catch((error: unknown) => expect.fail(`${action}() rejected: ${String(error)}`)));
        intent[step.who] = action === 'end' ? 'end' : 'start';
        break;
      }
      case 'token':
        act(() => w.settleToken(step.outcome));
        break;
      case 'connect':
        act(() => w.settleConnect(step.outcome));
        break;
      case 'wait':
        await advance(step.ms);
        break;
    }
    await flush();
    for (const i of [0, 1] as const)
      if (mounted[i])
        // A fetch is aborted only for the session that was left: the other one's start never fails so.
        expect(sessions[i]!.error?.code, `${label}: provider ${i}'s error`).not.toBe('aborted');
  }
  // The world cooperates: each session asked for connects, whatever the other provider did.
  w.cooperate();
  await advance(6_000);
  for (const i of [0, 1] as const) {
    if (intent[i] === 'end') expect(w.rooms[i]!.state, `settled: provider ${i} left`).toBe(ConnectionState.Disconnected);
    if (!mounted[i]) continue;
    const state = sessions[i]!;
    if (intent[i] === 'start' && state.error === null)
      expect({ isConnected: state.isConnected, room: w.rooms[i]!.state }, `settled: provider ${i}`).toEqual({
        isConnected: true,
        room: ConnectionState.Connected,
      });
  }
  view.unmount();
  await advance(3_000);
  vi.useRealTimers();
}

describe('two providers on one tokenSource, in any order of events', () => {
  it('each session follows its own user', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArbitrary, { maxLength: 14 }),
        fc.boolean(),
        fc.constantFrom<Sharing>('one tokenSource', 'one scope'),
        (steps, strict, sharing) => runScenario(steps, strict, sharing),
      ),
      {
        numRuns: RUNS,
        ...seed,
        examples: [
          // One provider's end() while both waited for the same token failed the other's start with `aborted`.
          [
            [
              { do: 'start', who: 0 },
              { do: 'start', who: 1 },
              { do: 'end', who: 0 },
              { do: 'token', outcome: 'resolves' },
            ],
            true,
            'one tokenSource',
          ],
        ],
      },
    );
  }, 120_000);
});
