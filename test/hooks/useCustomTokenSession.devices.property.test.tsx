import { act, render } from '@testing-library/react';
import fc from 'fast-check';
import { ConnectionError, ConnectionState, DisconnectReason, Room, RoomEvent, setLogLevel } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useCustomTokenSession } from '../../src/hooks/useCustomTokenSession';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { advance, flush } from '../helpers/fakeTime';
import { controlledGenerator } from '../helpers/generators';
import { fakeMediaDevices } from '../helpers/media';
import { propertyRuns } from '../helpers/propertyRuns';

setLogLevel('silent');

type Step =
  | { readonly do: 'start'; readonly camera: boolean }
  | { readonly do: 'end' | 'leave' | 'unmount' | 'grant' }
  | { readonly do: 'token'; readonly resolves: boolean }
  | { readonly do: 'connect'; readonly completes: boolean }
  | { readonly do: 'wait'; readonly ms: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.boolean().map((camera): Step => ({ do: 'start', camera })) },
  { weight: 3, arbitrary: fc.constantFrom<Step>({ do: 'end' }, { do: 'leave' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ do: 'unmount' }) },
  { weight: 4, arbitrary: fc.constant<Step>({ do: 'grant' }) },
  { weight: 4, arbitrary: fc.boolean().map((resolves): Step => ({ do: 'token', resolves })) },
  { weight: 3, arbitrary: fc.boolean().map((completes): Step => ({ do: 'connect', completes })) },
  { weight: 2, arbitrary: fc.constantFrom(50, 1_000, 16_000).map((ms): Step => ({ do: 'wait', ms })) },
);

/**
 * A real `Room` whose connect skips only the network and waits for the test (`settle`): it completes,
 * or fails as livekit-client's does (the room disconnected, the connect rejected); a disconnect cancels
 * it. Publishing is livekit-client's own: with no server, a track waits for the engine as before a join.
 */
function roomWithScriptedConnect() {
  const room = new Room();
  vi.spyOn(room, 'prepareConnection').mockResolvedValue();
  const pending: ((completes: boolean) => void)[] = [];
  vi.spyOn(room, 'connect').mockImplementation(async () => {
    room['setAndEmitConnectionState'](ConnectionState.Connecting);
    const outcome = await new Promise<boolean | 'cancelled'>((resolve) => {
      pending.push(resolve);
      room.once(RoomEvent.Disconnected, () => resolve('cancelled'));
    });
    if (outcome === 'cancelled' || room.state === ConnectionState.Disconnected)
      throw ConnectionError.cancelled('Client initiated disconnect');
    if (!outcome) {
      room['handleDisconnect'](true, DisconnectReason.JOIN_FAILURE);
      throw ConnectionError.notAllowed('could not establish signal connection', 403);
    }
    room['setAndEmitConnectionState'](ConnectionState.Connected);
    room.emit(RoomEvent.Connected);
  });
  return { room, settle: (completes: boolean) => pending.shift()?.(completes) };
}

afterEach(() => vi.useRealTimers());

describe('useCustomTokenSession’s devices in any order of events', () => {
  it('leaves no camera or microphone capturing while the room is disconnected and no start() goes on', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 16, size: 'max' }), async (steps) => {
        vi.useFakeTimers();
        const media = fakeMediaDevices();
        const { generator, calls } = controlledGenerator();
        const { room, settle } = roomWithScriptedConnect();
        const latest: { session?: ReturnType<typeof useCustomTokenSession> } = {};
        function Call() {
          latest.session = useCustomTokenSession(useCustomTokenSource(generator, { retries: 0 }), { roomName: 'standup', room });
          return null;
        }
        const view = render(<Call />);
        let unmounted = false;
        let startsRunning = 0;
        await flush();
        for (const [index, step] of steps.entries()) {
          switch (step.do) {
            case 'start':
              if (unmounted) continue;
              startsRunning += 1;
              act(
                () =>
                  void latest
                    .session!.start(step.camera ? { tracks: { camera: { enabled: true } } } : undefined)
                    .catch(() => {})
                    .finally(() => (startsRunning -= 1)),
              );
              break;
            case 'end':
              if (!unmounted) await act(() => latest.session!.end());
              break;
            case 'leave':
              await act(() => room.disconnect());
              break;
            case 'unmount':
              if (unmounted) continue;
              view.unmount();
              unmounted = true;
              break;
            case 'grant':
              act(() => media.grant());
              break;
            case 'token': {
              const call = calls.find(({ signal }) => !signal.aborted);
              if (!call) continue;
              calls.splice(calls.indexOf(call), 1);
              if (step.resolves) await act(() => call.resolve());
              else act(() => call.reject(Object.assign(new Error('Unauthorized'), { status: 401 })));
              break;
            }
            case 'connect':
              act(() => settle(step.completes));
              break;
            case 'wait':
              await advance(step.ms);
              break;
          }
          await flush();
          // livekit-client looks for a pending publish every 20 ms: so does the hooks path for a device granted late.
          await advance(100);
          if (room.state === ConnectionState.Disconnected && startsRunning === 0)
            expect(media.live(), `step ${index} (${JSON.stringify(step)}): capturing with no session`).toEqual([]);
        }
        if (!unmounted) view.unmount();
        act(() => media.grant());
        await advance(2_000);
        expect(media.live(), 'capturing 2 s after the unmount').toEqual([]);
      }),
      propertyRuns('LIFECYCLE_PROPERTY', 60),
    );
  }, 120_000);
});
