import { act, render } from '@testing-library/react';
import { ConnectionState, setLogLevel } from 'livekit-client';
import * as React from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { useSessionState, type UseSessionStateReturn } from '../../src/hooks/useSessionState';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { flush } from '../helpers/fakeTime';
import { scriptedWorld } from '../helpers/scriptedWorld';

// The rooms here never reach a server; keep livekit-client's connection logs out of the output.
setLogLevel('silent');

afterEach(() => {
  vi.useRealTimers();
});

/** Two providers (StrictMode) given one `tokenSource`, each on its own Room, both starting and waiting for the generator. */
async function twoStartsOnOneSource() {
  vi.useFakeTimers();
  const w = scriptedWorld({ rooms: 2 });
  const source = createCustomTokenSource(w.generator, { retries: 0 });
  const sessions: (UseSessionStateReturn | null)[] = [null, null];
  function Probe({ index }: { index: number }) {
    sessions[index] = useSessionState();
    return null;
  }
  const view = render(
    <React.StrictMode>
      {[0, 1].map((index) => (
        <CustomTokenSessionProvider
          key={index}
          tokenSource={source}
          room={w.rooms[index]}
          roomName="support"
          microphone={false}
          prefetch={false}
        >
          <Probe index={index} />
        </CustomTokenSessionProvider>
      ))}
    </React.StrictMode>,
  );
  await flush();
  act(() => void sessions[0]!.start());
  act(() => void sessions[1]!.start());
  await flush();
  const session = (index: number) => sessions[index] as UseSessionStateReturn;
  return { w, session, view };
}

describe('two providers on one tokenSource', () => {
  it("one user's end() while both wait for the same token leaves the other's start to connect", async () => {
    const { w, session, view } = await twoStartsOnOneSource();
    expect(w.generator).toHaveBeenCalledOnce();

    act(() => void session(0).end());
    await flush();
    expect(w.generator.mock.calls[0]![1].signal.aborted, 'the call the other start waits on').toBe(false);
    expect(session(1)).toMatchObject({ isStarting: true, error: null });

    act(() => w.settleToken('resolves'));
    await flush();
    act(() => w.settleConnect('completes'));
    await flush();
    expect(session(1)).toMatchObject({ isConnected: true, isStarting: false, error: null });
    expect(w.rooms[1]!.state).toBe(ConnectionState.Connected);
    expect(w.rooms[0]!.state).toBe(ConnectionState.Disconnected);
    view.unmount();
  });

  it('both users leaving aborts the call they waited on, without an error', async () => {
    const { w, session, view } = await twoStartsOnOneSource();

    act(() => void session(0).end());
    act(() => void session(1).end());
    await flush();

    expect(w.generator.mock.calls[0]![1].signal.aborted).toBe(true);
    for (const index of [0, 1]) expect(session(index)).toMatchObject({ isStarting: false, isConnected: false, error: null });
    view.unmount();
  });
});
