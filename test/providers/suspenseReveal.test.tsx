import { act, render, waitFor } from '@testing-library/react';
import * as React from 'react';
import { describe, expect, it } from 'vitest';
import { useSessionState, type UseSessionStateReturn } from '../../src/hooks/useSessionState';
import { CustomTokenSessionProvider, type CustomTokenSessionProviderProps } from '../../src/providers/CustomTokenSessionProvider';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { settle } from './render';

/** React 18's StrictMode runs no effects again when a boundary reveals its content; React 19's does (`use` is new in 19). */
const runsEffectsOnReveal = 'use' in React;

/**
 * The provider beside a sibling that suspends after it mounted, under StrictMode: the boundary
 * shows its fallback, and revealing the content again runs its effects again (React 19, in
 * development): LiveKit's `useSession` disconnects its room in that cleanup.
 */
function renderBesideSuspender(props: CustomTokenSessionProviderProps) {
  const latest: { current: UseSessionStateReturn | null } = { current: null };
  function Probe() {
    latest.current = useSessionState();
    return null;
  }
  const resolved = new WeakSet<Promise<void>>();
  function Suspender({ promise }: { promise: Promise<void> }) {
    // Suspense's own protocol: a thrown promise (React 19's `use` did not reveal the content again here).
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (!resolved.has(promise)) throw promise.then(() => void resolved.add(promise));
    return null;
  }
  const tree = (promise: Promise<void> | null) => (
    <React.StrictMode>
      <React.Suspense fallback={<p>Loading</p>}>
        <CustomTokenSessionProvider {...props}>
          <Probe />
        </CustomTokenSessionProvider>
        {promise && <Suspender promise={promise} />}
      </React.Suspense>
    </React.StrictMode>
  );
  const result = render(tree(null));
  return {
    session: () => latest.current as UseSessionStateReturn,
    /** A sibling suspends; returns what reveals the content again. */
    suspend: () => {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      result.rerender(tree(promise));
      expect(result.getByText('Loading')).toBeTruthy();
      return async () => {
        await act(async () => {
          resolve();
          // React throttles a reveal that follows a fallback (300 ms).
          await new Promise((done) => setTimeout(done, 400));
        });
        await waitFor(() => expect(result.queryByText('Loading')).toBeNull());
      };
    },
  };
}

describe.skipIf(!runsEffectsOnReveal)('CustomTokenSessionProvider beside a sibling that suspends (StrictMode, development)', () => {
  it('a start waiting for its agent when the content is revealed again is abandoned at once, not failed at the agent timeout', async () => {
    const { room, connect } = roomWithoutServer();
    const { session, suspend } = renderBesideSuspender({
      generator: tokenGenerator(),
      room,
      roomName: 'support',
      agentName: 'helper',
      agentConnectTimeoutMs: 3_000,
      microphone: false,
    });
    act(() => void session().start());
    await waitFor(() => expect(room.state).toBe('connected'));
    expect(session().isStarting).toBe(true);

    const reveal = suspend();
    await reveal();
    // LiveKit's useSession left the room in the effect cleanup StrictMode ran: the start is over.
    await waitFor(() => expect(room.state).toBe('disconnected'));
    await waitFor(() => expect(session().isStarting).toBe(false), { timeout: 1_500 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(session().error).toBeNull();

    // start() begins a new session.
    act(() => void session().start());
    await waitFor(() => expect(connect).toHaveBeenCalledTimes(2));
    await settle(() => session().end());
  }, 10_000);

  it('with connect, a start cut off by the reveal starts again', async () => {
    const { room, connect } = roomWithoutServer();
    const { session, suspend } = renderBesideSuspender({
      generator: tokenGenerator(),
      room,
      roomName: 'support',
      agentName: 'helper',
      agentConnectTimeoutMs: 3_000,
      connect: true,
      microphone: false,
    });
    await waitFor(() => expect(room.state).toBe('connected'));
    const reveal = suspend();
    await reveal();
    await waitFor(() => expect(connect).toHaveBeenCalledTimes(2), { timeout: 1_500 });
    await waitFor(() => expect(room.state).toBe('connected'));
    await settle(() => session().end());
    expect(session().error).toBeNull();
  }, 10_000);
});
