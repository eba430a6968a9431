import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import { setLogLevel } from 'livekit-client';
import * as React from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CustomTokenSource } from '../../src/core/CustomTokenSource';
import type { TokenGenerator } from '../../src/core/types';
import { useCustomTokenSession } from '../../src/hooks/useCustomTokenSession';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { mintingGenerator } from '../helpers/generators';
import { roomWithoutServer } from '../helpers/room';

setLogLevel('silent');

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

/** A token service whose first answer is a network failure (retried), then answers. */
function flakyGenerator() {
  const mint = mintingGenerator(() => ({ identity: 'ada', ttl: 600 }));
  let calls = 0;
  return vi.fn<TokenGenerator>((request, context) =>
    ++calls === 1 ? Promise.reject(new TypeError('Failed to fetch')) : mint(request, context),
  );
}

/** One component of the page: its own source of the shared scope, and what it shows. */
function Panel({ generator, onSource }: { generator: TokenGenerator; onSource: (source: CustomTokenSource) => void }) {
  const source = useCustomTokenSource(generator, { scope: 'call', retryDelayMs: 500, maxRetryDelayMs: 500 });
  onSource(source);
  const { status, identity } = useTokenStatus(source);
  return <p>{`${status} ${identity ?? '-'}`}</p>;
}

/** Two panels of the scope on one QueryClient; `page(false)` is the page without the first. */
function renderTwoPanels(generator: TokenGenerator) {
  const queryClient = new QueryClient();
  const sources: Record<'first' | 'second', CustomTokenSource | undefined> = { first: undefined, second: undefined };
  const page = (showFirst: boolean) => (
    <React.StrictMode>
      <QueryClientProvider client={queryClient}>
        {showFirst && <Panel generator={generator} onSource={(source) => (sources.first = source)} />}
        <Panel generator={generator} onSource={(source) => (sources.second = source)} />
      </QueryClientProvider>
    </React.StrictMode>
  );
  return { sources, page, view: render(page(true)) };
}

describe('useCustomTokenSource: two components sharing a scope', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-03T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('the one still mounted gets the token when the other unmounts while their shared call is being retried', async () => {
    const generator = flakyGenerator();
    const { sources, page, view } = renderTwoPanels(generator);

    // The first asks; the second asks for the same options while that call is in flight, and shares it.
    let second: Promise<unknown> = Promise.resolve();
    act(() => {
      void sources.first!.fetch({ roomName: 'standup' }).catch(() => {});
      second = sources.second!.fetch({ roomName: 'standup' }).then(
        (response) => ({ response }),
        (error: unknown) => ({ error }),
      );
    });
    await advance(0);
    expect(generator).toHaveBeenCalledTimes(1);

    // The first component leaves while the call waits for its retry.
    view.rerender(page(false));
    await advance(1_000);

    expect(generator).toHaveBeenCalledTimes(2);
    expect(await second).toMatchObject({ response: { participantToken: expect.any(String) } });
    expect(view.container.textContent).toBe('ready ada');
  });

  it('the one still mounted gets the token when the other unmounts in the very task their shared call began', async () => {
    const generator = mintingGenerator(() => ({ identity: 'ada', ttl: 600 }));
    const { sources, page, view } = renderTwoPanels(generator);

    // The first asks, the second joins its call, and the first leaves before the generator is called (a microtask on).
    let second: Promise<unknown> = Promise.resolve();
    act(() => {
      void sources.first!.fetch({ roomName: 'standup' }).catch(() => {});
      second = sources.second!.fetch({ roomName: 'standup' }).then(
        (response) => ({ response }),
        (error: unknown) => ({ error }),
      );
      view.rerender(page(false));
    });
    await advance(1_000);

    expect(await second).toMatchObject({ response: { participantToken: expect.any(String) } });
    expect(generator).toHaveBeenCalledTimes(1);
    expect(view.container.textContent).toBe('ready ada');
  });

  it('a component alone calls the generator no more once it unmounted while its call waited for a retry', async () => {
    const generator = flakyGenerator();
    const sources: Record<'first' | 'second', CustomTokenSource | undefined> = { first: undefined, second: undefined };
    const view = render(
      <React.StrictMode>
        <QueryClientProvider client={new QueryClient()}>
          <Panel generator={generator} onSource={(source) => (sources.first = source)} />
        </QueryClientProvider>
      </React.StrictMode>,
    );
    let fetched: Promise<unknown> = Promise.resolve();
    act(() => {
      fetched = sources.first!.fetch({ roomName: 'standup' }).catch((error: unknown) => error);
    });
    await advance(0);
    expect(generator).toHaveBeenCalledTimes(1);

    view.unmount();
    await advance(10_000);

    expect(generator).toHaveBeenCalledTimes(1);
    expect(await fetched).toMatchObject({ code: 'aborted' });
  });
});

describe('useCustomTokenSession: a call left by unmounting, beside another component of its scope', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-03T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('leaves the other component its token and status: no error, nothing fetched', async () => {
    const generator = mintingGenerator(() => ({ identity: 'ada', ttl: 600 }));
    const { room } = roomWithoutServer();
    let session: ReturnType<typeof useCustomTokenSession> | undefined;
    let badgeSource: CustomTokenSource | undefined;
    function Call({ onSession }: { onSession: (value: ReturnType<typeof useCustomTokenSession>) => void }) {
      const source = useCustomTokenSource(generator, { scope: 'call' });
      onSession(useCustomTokenSession(source, { roomName: 'standup', room }));
      return null;
    }
    const queryClient = new QueryClient();
    const page = (inCall: boolean) => (
      <React.StrictMode>
        <QueryClientProvider client={queryClient}>
          {inCall && <Call onSession={(value) => (session = value)} />}
          <Panel generator={generator} onSource={(source) => (badgeSource = source)} />
        </QueryClientProvider>
      </React.StrictMode>
    );
    const view = render(page(true));
    await advance(10);
    await act(() => badgeSource!.fetch({ roomName: 'standup' }));
    act(() => void session!.start({ tracks: {} }).catch(() => {}));
    await advance(50);
    expect(session!.isConnected).toBe(true);
    expect(generator).toHaveBeenCalledTimes(1);

    // The call screen goes away mid-call: LiveKit's useSession disconnects, then asks its source for the next session's token.
    view.rerender(page(false));
    await advance(1_000);

    expect(view.container.textContent).toBe('ready ada');
    expect(badgeSource!.getSnapshot().error).toBeNull();
    expect(generator).toHaveBeenCalledTimes(1);
    await act(() => badgeSource!.fetch({ roomName: 'standup' }));
    expect(generator).toHaveBeenCalledTimes(1);
  });
});
