import { useSession } from '@livekit/components-react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, renderHook } from '@testing-library/react';
import { setLogLevel, TokenSource } from 'livekit-client';
import * as React from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { CustomTokenSource } from '../../src/core/CustomTokenSource';
import type { TokenGenerator, TokenSnapshot, TokenSourceEvent } from '../../src/core/types';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { controlledGenerator, mintingGenerator } from '../helpers/generators';
import { mintToken, SERVER_URL } from '../helpers/tokens';

// These rooms never reach a server: keep livekit-client's connection logs out of the output.
setLogLevel('silent');

/** A LiveKit URL nothing listens on: connecting fails fast, which these tests do not care about. */
const CLOSED_SERVER_URL = 'ws://127.0.0.1:65534';

function closedServerGenerator() {
  const mint = mintingGenerator();
  return vi.fn<TokenGenerator>(async (request, context) => ({ ...(await mint(request, context)), serverUrl: CLOSED_SERVER_URL }));
}

describe('useCustomTokenSource', () => {
  it('runs on the React major under test', () => {
    expect(React.version.split('.')[0]).toBe(process.env.EXPECTED_REACT_MAJOR);
  });

  it('returns the same source across renders for an inline generator and inline options', () => {
    const { result, rerender } = renderHook(
      () => useCustomTokenSource(async () => ({ serverUrl: SERVER_URL, participantToken: '' }), { timeoutMs: 5_000 }),
      {
        wrapper: React.StrictMode,
      },
    );
    const first = result.current;
    rerender();
    rerender();
    expect(result.current).toBe(first);
  });

  it('always calls the latest generator', async () => {
    const first = mintingGenerator();
    const second = mintingGenerator();
    const { result, rerender } = renderHook(({ generator }) => useCustomTokenSource(generator), { initialProps: { generator: first } });
    rerender({ generator: second });
    await result.current.fetch({ roomName: 'A' });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
  });

  it("keeps its tokens in the app's QueryClient when one is in context", async () => {
    const queryClient = new QueryClient();
    const { result } = renderHook(() => useCustomTokenSource(mintingGenerator()), {
      wrapper: ({ children }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>,
    });
    await result.current.fetch({ roomName: 'A' });
    expect(queryClient.getQueriesData({ queryKey: ['livekit-custom-token'] })).toHaveLength(1);
  });

  it('keeps at most cacheSize tokens, and follows a cacheSize that changes', async () => {
    const generator = mintingGenerator();
    const { result, rerender } = renderHook(({ cacheSize }) => useCustomTokenSource(generator, { cacheSize }), {
      initialProps: { cacheSize: 1 },
      wrapper: React.StrictMode,
    });
    for (const roomName of ['A', 'B', 'A']) await act(() => result.current.fetch({ roomName }));
    expect(generator).toHaveBeenCalledTimes(3);
    rerender({ cacheSize: 2 });
    for (const roomName of ['B', 'A']) await act(() => result.current.fetch({ roomName }));
    expect(generator).toHaveBeenCalledTimes(4);
  });

  // docs/token-source.md, Options: "`queryClient` …, `scope` and `initialToken` are read once, when the source is made — a
  // `QueryClient` swapped later gets none of its tokens; remount the component (a `key`) to move to another."
  it('keeps the QueryClient and scope it was made with when given others, while a new mount of the hook (a `key`) uses the new ones', async () => {
    const first = new QueryClient();
    const second = new QueryClient();
    const generator = mintingGenerator();
    const { result, rerender } = renderHook(({ queryClient, scope }) => useCustomTokenSource(generator, { queryClient, scope }), {
      initialProps: { queryClient: first, scope: 'desk-1' },
    });
    const source = result.current;
    await act(() => source.fetch({ roomName: 'A' }));
    rerender({ queryClient: second, scope: 'desk-2' });
    expect(result.current).toBe(source);
    await act(() => result.current.fetch({ roomName: 'B' }));
    const scopes = (client: QueryClient) =>
      client
        .getQueryCache()
        .findAll({ queryKey: ['livekit-custom-token'] })
        .map(({ queryKey }) => queryKey[1]);
    expect(scopes(first)).toEqual(['desk-1', 'desk-1']);
    expect(scopes(second)).toEqual([]);

    const keyed = renderHook(({ queryClient, scope }) => useCustomTokenSource(generator, { queryClient, scope }), {
      initialProps: { queryClient: second, scope: 'desk-2' },
    });
    await act(() => keyed.result.current.fetch({ roomName: 'B' }));
    expect(scopes(second)).toEqual(['desk-2']);
    expect(generator).toHaveBeenCalledTimes(3);
  });

  it('aborts the fetch in flight when the component unmounts', async () => {
    const { generator, calls } = controlledGenerator();
    const { result, unmount } = renderHook(() => useCustomTokenSource(generator), { wrapper: React.StrictMode });
    const fetched = result.current.fetch({ roomName: 'A' }).catch((error: unknown) => error);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    unmount();
    await vi.waitFor(() => expect(calls[0]!.signal.aborted).toBe(true));
    expect(await fetched).toMatchObject({ code: 'aborted' });
  });
});

describe("with LiveKit's real useSession", () => {
  function Page({ generator, onSession }: { generator: TokenGenerator; onSession: (session: ReturnType<typeof useSession>) => void }) {
    const source = useCustomTokenSource(async (request, context) => generator(request, context));
    const session = useSession(source, { roomName: 'A', participantAttributes: { team: 'blue' } });
    onSession(session);
    return null;
  }

  it('calls an inline generator exactly once from mount to start() under StrictMode, with inline attributes', async () => {
    const generator = closedServerGenerator();
    let session: ReturnType<typeof useSession> | undefined;
    const { rerender } = render(
      <React.StrictMode>
        <Page generator={generator} onSession={(value) => (session = value)} />
      </React.StrictMode>,
    );
    await vi.waitFor(() => expect(generator).toHaveBeenCalledTimes(1));
    rerender(
      <React.StrictMode>
        <Page generator={generator} onSession={(value) => (session = value)} />
      </React.StrictMode>,
    );
    await act(async () => {
      await session!.start({ tracks: {} }).catch(() => undefined);
    });
    expect(generator).toHaveBeenCalledTimes(1);
  });

  it('does not leave an unhandled rejection when end() forces a fetch from a failing generator', async () => {
    const generator = vi.fn<TokenGenerator>(async () => {
      throw new Error('token service down');
    });
    let session: ReturnType<typeof useSession> | undefined;
    render(<Page generator={generator} onSession={(value) => (session = value)} />);
    await vi.waitFor(() => expect(generator).toHaveBeenCalledTimes(1));
    await act(async () => {
      await session!.end();
    });
    await vi.waitFor(() => expect(generator).toHaveBeenCalledTimes(2));
  });

  it('pins fact 4: an inline TokenSource.custom gives useSession a new session every render', async () => {
    const generator = closedServerGenerator();
    const sessions = new Set<unknown>();
    let renders = 0;
    function UpstreamPage() {
      renders += 1;
      const session = useSession(
        TokenSource.custom((options) => generator(options, { signal: new AbortController().signal, attempt: 1 })),
        { roomName: 'A' },
      );
      sessions.add(session);
      return null;
    }
    const { rerender } = render(<UpstreamPage />);
    for (let i = 0; i < 4; i++) rerender(<UpstreamPage />);
    expect(renders).toBeGreaterThanOrEqual(5);
    expect(sessions.size).toBe(renders);
  });

  it('gives useSession one session across renders with an inline generator', () => {
    const generator = closedServerGenerator();
    const sessions = new Set<unknown>();
    function OurPage() {
      const source = useCustomTokenSource((request, context) => generator(request, context));
      sessions.add(useSession(source, { roomName: 'A' }));
      return null;
    }
    const { rerender } = render(<OurPage />);
    for (let i = 0; i < 4; i++) rerender(<OurPage />);
    expect(sessions.size).toBe(1);
  });
});

describe('useCustomTokenSource with an initialToken that fails its checks', () => {
  /** A token for room `standup`, handed in as the token of room `other-room`. */
  async function mismatchedToken() {
    return {
      options: { roomName: 'other-room' },
      response: { serverUrl: SERVER_URL, participantToken: await mintToken({ room: 'standup' }) },
    };
  }
  function TokenLine({
    initialToken,
    onEvent,
  }: {
    initialToken: Awaited<ReturnType<typeof mismatchedToken>>;
    onEvent: (event: TokenSourceEvent) => void;
  }) {
    const source = useCustomTokenSource(mintingGenerator(), { initialToken, onEvent });
    return <p>Token {useTokenStatus(source).status}</p>;
  }
  const errors = (onEvent: ReturnType<typeof vi.fn>) =>
    onEvent.mock.calls.filter(([event]) => (event as TokenSourceEvent).type === 'error');

  it('reports it to onEvent once under StrictMode, not once per render React throws away', async () => {
    const onEvent = vi.fn<(event: TokenSourceEvent) => void>();
    render(
      <React.StrictMode>
        <TokenLine initialToken={await mismatchedToken()} onEvent={onEvent} />
      </React.StrictMode>,
    );
    expect(errors(onEvent)).toEqual([[expect.objectContaining({ type: 'error', error: expect.objectContaining({ code: 'mismatch' }) })]]);
  });

  it('reports it once when a sibling suspends the first mount', async () => {
    const onEvent = vi.fn<(event: TokenSourceEvent) => void>();
    let loaded!: () => void;
    const data = new Promise<void>((resolve) => (loaded = resolve));
    let ready = false;
    void data.then(() => (ready = true));
    function Slow() {
      // Suspense's protocol: a component that is not ready throws the promise it waits on.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      if (!ready) throw data;
      return <span>loaded</span>;
    }
    const view = render(
      <React.Suspense fallback="loading">
        <TokenLine initialToken={await mismatchedToken()} onEvent={onEvent} />
        <Slow />
      </React.Suspense>,
    );
    await act(async () => {
      loaded();
      await data;
    });
    await vi.waitFor(() => expect(view.container.textContent).toContain('loaded'));
    expect(errors(onEvent)).toHaveLength(1);
  });
});

describe('useCustomTokenSource with an initialToken in the app’s QueryClient', () => {
  it('leaves nothing in the client from the render StrictMode throws away: one token while mounted, none after', async () => {
    const queryClient = new QueryClient();
    const initialToken = {
      options: { roomName: 'A' },
      response: { serverUrl: SERVER_URL, participantToken: await mintToken({ room: 'A' }) },
    };
    const generator = mintingGenerator();
    function Call() {
      const source = useCustomTokenSource(generator, { initialToken });
      return <p>{source.getSnapshot().status}</p>;
    }
    const view = render(
      <React.StrictMode>
        <QueryClientProvider client={queryClient}>
          <Call />
        </QueryClientProvider>
      </React.StrictMode>,
    );
    expect(view.container.textContent).toBe('ready');
    await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
    expect(queryClient.getQueryCache().getAll()).toHaveLength(1);

    view.unmount();
    await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
    expect(queryClient.getQueryCache().getAll()).toEqual([]);
    expect(generator).not.toHaveBeenCalled();
  });
});

describe('useCustomTokenSource inside <Activity>, its source read outside it', () => {
  // React 19.2's <Activity>; React 18 has none.
  const Activity = (React as { Activity?: React.ComponentType<{ mode: 'visible' | 'hidden'; children: React.ReactNode }> }).Activity;
  const SECOND = 1_000;

  it.skipIf(Activity === undefined)(
    'refreshes ahead again once shown, after a refresh came due (and was refused) while hidden',
    async () => {
      vi.useFakeTimers({ now: new Date('2026-12-05T12:00:00Z') });
      try {
        const Hideable = Activity!;
        // 120 s tokens: the default margin (60 s, at most half the lifetime) makes each due 60 s after it arrived.
        const generator = mintingGenerator(() => ({ ttl: 120 }));
        const latest: { source?: CustomTokenSource; status?: TokenSnapshot } = {};
        function Maker({ onSource }: { onSource: (source: CustomTokenSource) => void }) {
          const source = useCustomTokenSource(generator);
          React.useEffect(() => onSource(source), [source, onSource]);
          return null;
        }
        // The app lifts the source up and shows its status outside the <Activity>: subscribed all along.
        function Status({ source }: { source: CustomTokenSource }) {
          latest.status = useTokenStatus(source);
          return null;
        }
        function Page({ mode }: { mode: 'visible' | 'hidden' }) {
          const [source, setSource] = React.useState<CustomTokenSource | null>(null);
          const onSource = React.useCallback((made: CustomTokenSource) => {
            latest.source = made;
            setSource(made);
          }, []);
          return (
            <>
              {source && <Status source={source} />}
              <Hideable mode={mode}>
                <Maker onSource={onSource} />
              </Hideable>
            </>
          );
        }
        const view = render(<Page mode="visible" />);
        await act(() => latest.source!.fetch({ roomName: 'A' }).then(() => undefined));
        expect(generator).toHaveBeenCalledTimes(1);

        await act(() => vi.advanceTimersByTimeAsync(10 * SECOND));
        view.rerender(<Page mode="hidden" />);
        // Due at 60 s while hidden: an unmounted (hidden) hook's source calls no generator.
        await act(() => vi.advanceTimersByTimeAsync(60 * SECOND));
        expect(generator).toHaveBeenCalledTimes(1);

        view.rerender(<Page mode="visible" />);
        await act(() => vi.advanceTimersByTimeAsync(SECOND));
        expect(generator).toHaveBeenCalledTimes(2);
        expect(latest.status!.status).toBe('ready');
        expect(latest.status!.expiresAt).toBeGreaterThan(Date.now() + 100 * SECOND);
        view.unmount();
      } finally {
        vi.useRealTimers();
      }
    },
  );
});
