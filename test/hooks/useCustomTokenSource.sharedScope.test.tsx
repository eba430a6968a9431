import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import * as React from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CustomTokenSource } from '../../src/core/CustomTokenSource';
import type { TokenGenerator } from '../../src/core/types';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { mintingGenerator } from '../helpers/generators';

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

describe('useCustomTokenSource: two components sharing a scope', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-03T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('the one still mounted gets the token when the other unmounts while their shared call is being retried', async () => {
    const generator = flakyGenerator();
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
    const view = render(page(true));

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
