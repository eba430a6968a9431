import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import fc from 'fast-check';
import { decodeTokenPayload, setLogLevel, type Room } from 'livekit-client';
import * as React from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useCustomTokenSession } from '../../src/hooks/useCustomTokenSession';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { mintingGenerator } from '../helpers/generators';
import { roomWithoutServer } from '../helpers/room';
import { propertyRuns } from '../helpers/propertyRuns';

setLogLevel('silent');

type Session = ReturnType<typeof useCustomTokenSession>;
type Name = 'ada' | 'bob';
const NAMES: readonly Name[] = ['ada', 'bob'];

type Step =
  | { readonly do: 'start' | 'end' | 'remount'; readonly who: Name }
  | { readonly do: 'room'; readonly who: Name; readonly room: string }
  | { readonly do: 'wait'; readonly ms: number };

const who = fc.constantFrom<Name>(...NAMES);
const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ do: fc.constantFrom('start' as const, 'end' as const, 'remount' as const), who }),
  fc.record({ do: fc.constant('room' as const), who, room: fc.constantFrom('one', 'two') }),
  fc.record({ do: fc.constant('wait' as const), ms: fc.constantFrom(0, 50, 15_000) }),
);

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

/** Runs of the property (25); raise them and pick the seed to explore: `SHARED_QUERY_CLIENT_PROPERTY_RUNS=250 SHARED_QUERY_CLIENT_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('SHARED_QUERY_CLIENT_PROPERTY', 25);

afterEach(() => vi.useRealTimers());

describe('hooks-path sessions of two users on one app QueryClient', () => {
  it('each connects with its own token and shows its own status, in any order of starts, ends, option changes and keyed remounts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 15 }), async (steps) => {
        vi.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z') });
        const queryClient = new QueryClient();
        // 30 s tokens: refreshed ahead within the run.
        const generator = mintingGenerator(() => ({ ttl: 30 }));
        const rooms = { ada: roomWithoutServer(), bob: roomWithoutServer() };
        const latest: Partial<Record<Name, { session: Session; identity: string | undefined; room: string | undefined }>> = {};
        function Call({ name, roomName, room }: { name: Name; roomName: string; room: Room }) {
          // Inline generator and options, as an app writes them.
          const source = useCustomTokenSource((request, context) => generator(request, context), { timeoutMs: 5_000 });
          const session = useCustomTokenSession(source, {
            roomName,
            participantIdentity: name,
            participantAttributes: { user: name },
            room,
          });
          const { identity, room: tokenRoom } = useTokenStatus(source);
          latest[name] = { session, identity, room: tokenRoom };
          return null;
        }
        const state = { ada: { key: 0, roomName: 'one' }, bob: { key: 0, roomName: 'one' } };
        const tree = () => (
          <QueryClientProvider client={queryClient}>
            <React.StrictMode>
              {NAMES.map((name) => (
                <Call key={`${name}-${state[name].key}`} name={name} roomName={state[name].roomName} room={rooms[name].room} />
              ))}
            </React.StrictMode>
          </QueryClientProvider>
        );
        const view = render(tree());
        await advance(10);
        for (const step of steps) {
          switch (step.do) {
            case 'start':
              act(() => void latest[step.who]!.session.start({ tracks: {} }).catch(() => {}));
              break;
            case 'end':
              act(() => void latest[step.who]!.session.end().catch(() => {}));
              break;
            case 'remount':
              state[step.who].key += 1;
              view.rerender(tree());
              break;
            case 'room':
              state[step.who].roomName = step.room;
              view.rerender(tree());
              break;
            case 'wait':
              await advance(step.ms);
              break;
          }
          await advance(10);
          for (const name of NAMES) {
            const shown = latest[name]!;
            if (shown.identity !== undefined) expect(shown.identity, `${name}'s token status`).toBe(name);
          }
        }
        for (const name of NAMES) {
          const identities = rooms[name].connect.mock.calls.map(([, token]) => decodeTokenPayload(token).sub);
          expect(
            identities.every((identity) => identity === name),
            `${name} connected as ${identities.join(', ')}`,
          ).toBe(true);
        }
        view.unmount();
        await advance(5_000);
        expect(queryClient.getQueryCache().findAll({ queryKey: ['livekit-custom-token'] })).toEqual([]);
      }),
      { numRuns: RUNS, ...seed },
    );
  }, 60_000);
});
