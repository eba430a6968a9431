import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { act, render, waitFor } from '@testing-library/react';
import { decodeTokenPayload } from 'livekit-client';
import * as React from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { controlledGenerator, mintingGenerator } from '../helpers/generators';
import { fakeMediaDevices } from '../helpers/media';
import { roomWithoutServer } from '../helpers/room';
import { clickStart, renderSession, settle } from './render';

beforeEach(() => {
  fakeMediaDevices();
});

/** The provider inside the app's QueryClientProvider (StrictMode), with the status `useTokenStatus()` reads. */
function renderInApp(queryClient: QueryClient, props: Parameters<typeof renderSession>[0]) {
  const status: { current: string | null } = { current: null };
  function Status() {
    status.current = useTokenStatus().status;
    return null;
  }
  const wrapper = ({ children }: { children: React.ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  return { ...renderSession(props, { wrapper, children: <Status /> }), status: () => status.current };
}

/** docs/token-source.md, "Where it lives": what the app's client-wide calls do to a session's tokens. */
describe("CustomTokenSessionProvider in the app's QueryClient", () => {
  it.each([
    ['clear()', (client: QueryClient) => client.clear()],
    ['resetQueries()', (client: QueryClient) => void client.resetQueries()],
    ['removeQueries()', (client: QueryClient) => client.removeQueries()],
  ])('connects a start() whose token fetch the app dropped with %s, with a token from a new call', async (_name, drop) => {
    const queryClient = new QueryClient();
    const { room, connect } = roomWithoutServer();
    const { generator, calls } = controlledGenerator();
    const { session } = renderInApp(queryClient, { generator, room, roomName: 'standup', microphone: false, prefetch: false });
    const settled = clickStart(session);
    await waitFor(() => expect(calls).toHaveLength(1), { timeout: 3_000 });

    act(() => drop(queryClient));

    await waitFor(() => expect(calls).toHaveLength(2), { timeout: 3_000 });
    expect(calls[0]!.signal.aborted).toBe(true);
    await act(() => calls[1]!.resolve({ identity: 'ada' }));
    await waitFor(() => expect(settled()).toBe(true), { timeout: 3_000 });
    expect(session()).toMatchObject({ connectionState: 'connected', error: null });
    expect(connect).toHaveBeenCalledTimes(1);
    expect(decodeTokenPayload(connect.mock.calls[0]![1]).sub).toBe('ada');
    await settle(() => session().end());
  });

  it('leaves a start() connecting with its token alone when the app calls clear(), and makes no generator call', async () => {
    const queryClient = new QueryClient();
    let answer = () => {};
    const { room, connect } = roomWithoutServer({ connecting: new Promise<void>((resolve) => (answer = resolve)) });
    const generator = mintingGenerator();
    const { session } = renderInApp(queryClient, { generator, room, roomName: 'standup', microphone: false });
    const settled = clickStart(session);
    await waitFor(() => expect(connect).toHaveBeenCalledTimes(1), { timeout: 3_000 });

    act(() => queryClient.clear());
    answer();

    await waitFor(() => expect(settled()).toBe(true), { timeout: 3_000 });
    expect(session()).toMatchObject({ connectionState: 'connected', error: null });
    expect(generator).toHaveBeenCalledTimes(1);
    await settle(() => session().end());
  });

  it('leaves a live call alone when the app calls clear(); end() fetches the next token, and start() connects with it', async () => {
    const queryClient = new QueryClient();
    const { room, connect } = roomWithoutServer();
    const generator = mintingGenerator();
    const { session, status } = renderInApp(queryClient, { generator, room, roomName: 'standup', microphone: false });
    await settle(() => session().start());

    act(() => queryClient.clear());
    await waitFor(() => expect(status()).toBe('idle'), { timeout: 3_000 });
    expect(room.state).toBe('connected');
    expect(generator).toHaveBeenCalledTimes(1);

    await settle(() => session().end());
    await waitFor(() => expect(status()).toBe('ready'), { timeout: 3_000 });
    expect(generator).toHaveBeenCalledTimes(2);
    await settle(() => session().start());
    expect(session()).toMatchObject({ connectionState: 'connected', error: null });
    expect(connect).toHaveBeenCalledTimes(2);
    expect(generator).toHaveBeenCalledTimes(2);
    await settle(() => session().end());
  });
  it.each([
    ['clear()', (client: QueryClient) => client.clear()],
    ['resetQueries()', (client: QueryClient) => void client.resetQueries()],
  ])('connects the next start() with a new token when the app calls %s while end() fetches the next session’s', async (_name, drop) => {
    const queryClient = new QueryClient();
    const { room, connect } = roomWithoutServer();
    const { generator, calls } = controlledGenerator();
    const { session } = renderInApp(queryClient, { generator, room, roomName: 'standup', microphone: false });
    await waitFor(() => expect(calls).toHaveLength(1), { timeout: 3_000 });
    await act(() => calls[0]!.resolve());
    await settle(() => session().start());
    act(() => void session().end());
    await waitFor(() => expect(calls).toHaveLength(2), { timeout: 3_000 });

    act(() => drop(queryClient));
    const settled = clickStart(session);

    await waitFor(() => expect(calls).toHaveLength(3), { timeout: 3_000 });
    expect(calls[1]!.signal.aborted).toBe(true);
    await act(() => calls[2]!.resolve({ identity: 'ada' }));
    await waitFor(() => expect(settled()).toBe(true), { timeout: 3_000 });
    expect(session()).toMatchObject({ connectionState: 'connected', error: null });
    expect(connect).toHaveBeenCalledTimes(2);
    expect(decodeTokenPayload(connect.mock.calls[1]![1]).sub).toBe('ada');
    await settle(() => session().end());
  });

  it('keeps its tokens in the nearest QueryClientProvider’s client, or in a `queryClient` given, and leaves the app’s own query alone', async () => {
    const outer = new QueryClient();
    const inner = new QueryClient();
    const given = new QueryClient();
    const appQuery = vi.fn(async () => 'profile');
    const tokens = (client: QueryClient) => client.getQueryCache().findAll({ queryKey: ['livekit-custom-token'] }).length;
    function Profile() {
      return <p>{useQuery({ queryKey: ['profile'], queryFn: appQuery, staleTime: Infinity }).data}</p>;
    }
    const generator = mintingGenerator();
    const { getByText, unmount } = render(
      <React.StrictMode>
        <QueryClientProvider client={outer}>
          <Profile />
          <QueryClientProvider client={inner}>
            <CustomTokenSessionProvider generator={generator} roomName="standup" microphone={false} />
          </QueryClientProvider>
          <CustomTokenSessionProvider generator={generator} roomName="standup" microphone={false} queryClient={given} />
        </QueryClientProvider>
      </React.StrictMode>,
    );

    await waitFor(() => expect(generator).toHaveBeenCalledTimes(2), { timeout: 3_000 });
    await waitFor(() => expect([tokens(outer), tokens(inner), tokens(given)]).toEqual([0, 1, 1]), { timeout: 3_000 });
    getByText('profile');
    expect(appQuery).toHaveBeenCalledTimes(1);
    expect(
      outer
        .getQueryCache()
        .getAll()
        .map(({ queryKey }) => queryKey),
    ).toEqual([['profile']]);
    unmount();
  });

  it('ends the call and leaves no token in the app’s client when the app unmounts its QueryClientProvider with the call inside', async () => {
    const queryClient = new QueryClient();
    const { room } = roomWithoutServer();
    const generator = mintingGenerator();
    const { session, unmount } = renderInApp(queryClient, { generator, room, roomName: 'standup', microphone: false });
    await settle(() => session().start());

    unmount();

    await waitFor(() => expect(room.state).toBe('disconnected'), { timeout: 3_000 });
    await waitFor(() => expect(queryClient.getQueryCache().getAll()).toEqual([]), { timeout: 3_000 });
    expect(generator).toHaveBeenCalledTimes(1);
  });
});
