import { act } from '@testing-library/react';
import fc from 'fast-check';
import { ConnectionState, decodeTokenPayload, setLogLevel } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTokenStatus, type UseTokenStatusReturn } from '../../src/hooks/useTokenStatus';
import { advance, advanceRendering, flush } from '../helpers/fakeTime';
import type { TokenGenerator } from '../../src/core/types';
import { scriptedWorld, type ConnectOutcome, type TokenOutcome } from '../helpers/scriptedWorld';
import { renderSession } from './render';
import { propertyRuns } from '../helpers/propertyRuns';

/*
 * The provider (LiveKit's own useSession inside) on a real Room whose connect skips only the
 * network (`scriptedWorld`), with tokens that live 30 s and are refreshed 10 s ahead, driven
 * through generated orders of start(), end(), restart(), `prefetch` and `freshRoomPerSession`
 * changes, the generator's answers (a token, a failure, a token that is not a JWT, one expired
 * already) and the connect's, the server ending the call, and time (fake timers, up to several
 * lifetimes per run). After every step: `useTokenStatus()` never says `ready` for a token past its
 * expiry, nor `expired` out of a call (the provider's source refreshes ahead then), no connect
 * uses an expired token, and the generator is called about once per session plus once per refresh
 * period, never in a storm. A counterexample is shrunk to a few steps: write it down as a plain
 * test.
 */

// The rooms here never reach a server; keep livekit-client's connection logs out of the output.
setLogLevel('silent');

type Step =
  | { readonly do: 'start' | 'end' | 'restart' }
  | { readonly do: 'token'; readonly outcome: TokenOutcome | 'malformed' | 'expired' }
  | { readonly do: 'connect'; readonly outcome: ConnectOutcome }
  | { readonly do: 'rerender'; readonly prefetch: boolean; readonly fresh: boolean }
  | { readonly do: 'server disconnects' }
  | { readonly do: 'wait'; readonly ms: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Step>({ do: 'start' }, { do: 'end' }, { do: 'restart' }) },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom<TokenOutcome>('resolves', 'resolves', 'rejects retryable')
      .map((outcome): Step => ({ do: 'token', outcome })),
  },
  { weight: 2, arbitrary: fc.constant<Step>({ do: 'connect', outcome: 'completes' }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('rerender' as const), prefetch: fc.boolean(), fresh: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant<Step>({ do: 'server disconnects' }) },
  { weight: 4, arbitrary: fc.constantFrom(500, 5_000, 12_000, 25_000, 40_000).map((ms): Step => ({ do: 'wait', ms })) },
);

/** Runs of the property (40, about a second); raise them to explore: `TOKEN_LIFETIME_PROPERTY_RUNS=400`. */
const { numRuns: RUNS, ...seed } = propertyRuns('TOKEN_LIFETIME_PROPERTY', 40);

afterEach(() => {
  vi.useRealTimers();
});

async function runScenario(steps: readonly Step[], strict: boolean, prefetch: boolean): Promise<void> {
  vi.useFakeTimers();
  const w = scriptedWorld({ ttl: 30 });
  // The generator's answer as the step says: a token, or one that is not a JWT, or one that expired already.
  let answer: 'token' | 'malformed' | 'expired' = 'token';
  const generator = vi.fn<TokenGenerator>(async (request, context) => {
    const response = await w.generator(request, context);
    if (answer === 'malformed') return { ...response, participantToken: 'not-a-jwt' };
    if (answer === 'expired') {
      const [head, , signature] = response.participantToken.split('.');
      // Without `iat` and `nbf` (as some server SDKs mint), only this device's clock can judge it.
      const { nbf: _nbf, ...claims } = decodeTokenPayload(response.participantToken);
      const payload = { ...claims, exp: Math.floor(Date.now() / 1000) - 60 };
      return { ...response, participantToken: `${head}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}` };
    }
    return response;
  });
  const token: { current: UseTokenStatusReturn | null } = { current: null };
  function TokenProbe() {
    token.current = useTokenStatus();
    return null;
  }
  let options = { prefetch, fresh: false };
  const props = () => ({
    generator,
    room: w.room,
    roomName: 'support',
    microphone: false,
    retries: 0,
    timeoutMs: 4_000,
    refreshMarginMs: 10_000,
    prefetch: options.prefetch,
    freshRoomPerSession: options.fresh,
  });
  const view = renderSession(props(), { strict, children: <TokenProbe /> });
  const startedAt = Date.now();
  let actions = 0;
  await flush();
  for (const [index, step] of steps.entries()) {
    const label = `step ${index} (${JSON.stringify(step)})`;
    switch (step.do) {
      case 'start':
      case 'end':
      case 'restart': {
        const action = step.do;
        act(() => void view.session()[action]());
        break;
      }
      case 'token':
        answer = step.outcome === 'malformed' || step.outcome === 'expired' ? step.outcome : 'token';
        act(() => w.settleToken(step.outcome === 'malformed' || step.outcome === 'expired' ? 'resolves' : step.outcome));
        await flush();
        answer = 'token';
        break;
      case 'connect':
        act(() => w.settleConnect(step.outcome));
        break;
      case 'rerender':
        options = { prefetch: step.prefetch, fresh: step.fresh };
        view.rerenderWith(props());
        break;
      case 'server disconnects':
        if (w.room.state === ConnectionState.Connected) act(() => void w.room['handleDisconnect'](true, 1));
        break;
      case 'wait':
        await advanceRendering(step.ms);
        break;
    }
    if (step.do !== 'wait' && step.do !== 'token' && step.do !== 'connect') actions += 1;
    await flush();
    // About one call per session (its start, and the next one's token on leaving) plus one refresh per lifetime's
    // refresh period (20 s here), each possibly failed once: never a storm.
    const allowed = 2 + 2 * actions + 2 * Math.ceil((Date.now() - startedAt) / 20_000);
    expect(generator.mock.calls.length, `${label}: generator calls`).toBeLessThanOrEqual(allowed);
    const status = token.current!;
    // A token past its expiry is never `ready`.
    if (status.status === 'ready' && status.expiresAt !== null)
      expect(status.expiresAt, `${label}: ready, expiring at`).toBeGreaterThan(Date.now());
    // A source in use refreshes ahead while disconnected: `expired` only during a call.
    if (status.status === 'expired')
      expect(view.session().isConnected || view.session().isEnding, `${label}: expired out of a call`).toBe(true);
    // No session connects with a token that has expired.
    for (const call of w.connects) {
      const exp = decodeTokenPayload(call.token).exp! * 1000;
      expect(exp, `${label}: a connect at ${call.at} with a token expiring at`).toBeGreaterThan(call.at);
    }
  }
  w.cooperate();
  await advance(1_000);
  if (w.room.state === ConnectionState.Connected) {
    act(() => void view.session().end());
    await advance(1_000);
  }
  act(() => void view.session().start());
  await advance(1_000);
  expect(view.session(), 'a start() connects').toMatchObject({ isConnected: true, error: null });
  const last = w.connects.at(-1)!;
  expect(decodeTokenPayload(last.token).exp! * 1000).toBeGreaterThan(last.at);
  view.unmount();
  vi.useRealTimers();
}

describe('token lifetimes in any order of events', () => {
  it('never says ready for an expired token, and never connects with one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { maxLength: 16 }), fc.boolean(), fc.boolean(), (steps, strict, prefetch) =>
        runScenario(steps, strict, prefetch),
      ),
      {
        numRuns: RUNS,
        ...seed,
        // A live call outlasting its token (LiveKit refreshes it, the source does not): `expired`, not `ready`.
        examples: [
          // Idle with a prefetched token for longer than it lives: refreshed ahead, never `expired`.
          [
            [
              { do: 'token', outcome: 'resolves' },
              { do: 'wait', ms: 40_000 },
            ],
            true,
            true,
          ],
          // A call outlasting its token, then left (by the user, by the server): a new token is fetched at once, not `expired`.
          [
            [
              { do: 'start' },
              { do: 'token', outcome: 'resolves' },
              { do: 'connect', outcome: 'completes' },
              { do: 'wait', ms: 40_000 },
              { do: 'end' },
              { do: 'wait', ms: 500 },
              { do: 'start' },
              { do: 'token', outcome: 'resolves' },
              { do: 'connect', outcome: 'completes' },
              { do: 'wait', ms: 40_000 },
              { do: 'server disconnects' },
              { do: 'wait', ms: 25_000 },
            ],
            true,
            false,
          ],
          // A malformed and an expired answer fail their starts; the next start asks anew and connects.
          [
            [
              { do: 'start' },
              { do: 'token', outcome: 'malformed' },
              { do: 'start' },
              { do: 'token', outcome: 'expired' },
              { do: 'start' },
              { do: 'token', outcome: 'resolves' },
              { do: 'connect', outcome: 'completes' },
            ],
            false,
            false,
          ],
          [
            [{ do: 'start' }, { do: 'token', outcome: 'resolves' }, { do: 'connect', outcome: 'completes' }, { do: 'wait', ms: 40_000 }],
            false,
            false,
          ],
          // A restart while the first start connects, then a wait past the token's expiry: the second start has
          // its token (fresh) and connects once React has rendered the room disconnected, in the same second.
          [
            [
              { do: 'token', outcome: 'resolves' },
              { do: 'wait', ms: 5_000 },
              { do: 'start' },
              { do: 'restart' },
              { do: 'wait', ms: 25_000 },
            ],
            false,
            true,
          ],
        ],
      },
    );
  }, 120_000);
});
