import { dehydrate, HydrationBoundary, QueryClient, QueryClientProvider, type DehydratedState } from '@tanstack/react-query';
import { act } from '@testing-library/react';
import { setLogLevel } from 'livekit-client';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectButton } from '../../src/components/ConnectButton';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { fakeMediaDevices } from '../helpers/media';

setLogLevel('silent');
afterEach(() => {
  vi.useRealTimers();
});

describe.each([
  ['fresh', 0],
  ['a cached page', 20 * 60_000],
])('a token prefetched into the server QueryClient, dehydrated, hydrated (%s)', (_, pageAgeMs) => {
  it.each([true, false])('hydrates without a mismatch, and the first start uses it while fresh (prefetch %s)', async (prefetch) => {
    fakeMediaDevices();
    vi.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z'), toFake: ['Date'] });
    const serverGenerator = tokenGenerator({ identity: 'ada' });
    const serverClient = new QueryClient();
    await createCustomTokenSource(serverGenerator, { queryClient: serverClient, scope: 'call' }).fetch({ roomName: 'standup' });
    const state = JSON.parse(JSON.stringify(dehydrate(serverClient))) as DehydratedState;
    const generator = tokenGenerator({ identity: 'ada' });
    const { room, connect } = roomWithoutServer();
    const page = (client: QueryClient, withRoom?: typeof room) => (
      <QueryClientProvider client={client}>
        <HydrationBoundary state={state}>
          <CustomTokenSessionProvider
            generator={generator}
            scope="call"
            roomName="standup"
            prefetch={prefetch}
            room={withRoom}
            microphone={false}
          >
            <ConnectButton />
            <TokenStatusView />
          </CustomTokenSessionProvider>
        </HydrationBoundary>
      </QueryClientProvider>
    );
    const container = document.createElement('div');
    container.innerHTML = renderToString(page(serverClient));
    vi.setSystemTime(Date.now() + pageAgeMs);
    const recoverable: unknown[] = [];
    const consoleErrors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const browserClient = new QueryClient();
    const root = await act(async () =>
      hydrateRoot(container, page(browserClient, room), { onRecoverableError: (e) => recoverable.push(e) }),
    );
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    const errors = consoleErrors.mock.calls.map((args) => String(args[0])).filter((t) => !t.startsWith('You should not include'));
    consoleErrors.mockRestore();
    expect(recoverable.map(String)).toEqual([]);
    expect(errors).toEqual([]);
    act(() => container.querySelector('button')!.click());
    await act(() => new Promise((resolve) => setTimeout(resolve, 200)));
    expect(container.querySelector('button')!.textContent).toBe('Disconnect');
    expect(connect).toHaveBeenCalledTimes(1);
    expect(generator).toHaveBeenCalledTimes(pageAgeMs === 0 ? 0 : 1);
    act(() => root.unmount());
  });
});
