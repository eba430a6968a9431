import { dehydrate, HydrationBoundary, QueryClient, QueryClientProvider, type DehydratedState } from '@tanstack/react-query';
import { act, waitFor } from '@testing-library/react';
import { setLogLevel } from 'livekit-client';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { ConnectButton } from '../../src/components/ConnectButton';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { fakeMediaDevices } from '../helpers/media';

setLogLevel('silent');

/** The room a participant token names. */
function roomOf(participantToken: string): string {
  return (JSON.parse(atob(participantToken.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { video: { room: string } }).video
    .room;
}

/** Waits for the connect button to read `label` (the session connected, or disconnected): a loaded machine takes longer than any fixed wait. */
const buttonReads = (container: HTMLElement, label: string) =>
  waitFor(() => expect(container.querySelector('button')!.textContent).toBe(label), { timeout: 5_000 });

describe.each([
  ['the app’s QueryClient, kept across navigations', false],
  ['a QueryClient of the page’s own, made anew on Back', true],
])('a page with a dehydrated token in a HydrationBoundary, brought back by the Back button (%s)', (_, clientPerPage) => {
  it('the next session does not start with the token a past session started with: its room was that session’s', async () => {
    fakeMediaDevices();
    // The server names a fresh room for every token (no roomName): the server's token is for
    // room-server, named apart from the other case's (tokens minted in the same second are equal).
    const serverClient = new QueryClient();
    await createCustomTokenSource(tokenGenerator({ room: 'room-server', name: String(clientPerPage) }), {
      queryClient: serverClient,
      scope: 'call',
    }).fetch({});
    const state = JSON.parse(JSON.stringify(dehydrate(serverClient))) as DehydratedState;
    const generator = tokenGenerator({ room: 'room-browser' });
    const page = (client: QueryClient, room: ReturnType<typeof roomWithoutServer>['room']) => (
      <QueryClientProvider client={client}>
        <HydrationBoundary state={state}>
          <CustomTokenSessionProvider generator={generator} scope="call" room={room} microphone={false}>
            <ConnectButton />
            <TokenStatusView />
          </CustomTokenSessionProvider>
        </HydrationBoundary>
      </QueryClientProvider>
    );
    const container = document.createElement('div');
    const click = () => act(() => container.querySelector('button')!.click());

    const appClient = new QueryClient();
    const first = roomWithoutServer();
    let root = createRoot(container);
    act(() => root.render(page(appClient, first.room)));
    click();
    await buttonReads(container, 'Disconnect');
    expect(roomOf(first.connect.mock.calls[0]![1])).toBe('room-server');
    // Its own session's token, though spent now: the live call shows it in hand.
    expect(container.querySelector('section')!.textContent).toMatch(/Token ready.*room-server/);
    click();
    await buttonReads(container, 'Connect');
    act(() => root.unmount());

    // Back: the page as the router cached it, the same dehydrated state included. Every status the
    // page shows from then on is recorded: the past session's token is never shown as in hand.
    const shown: string[] = [];
    const record = () => shown.push(`${container.querySelector('section')?.textContent ?? ''}`);
    const observer = new MutationObserver(record);
    observer.observe(container, { subtree: true, childList: true, characterData: true, attributes: true });
    const second = roomWithoutServer();
    root = createRoot(container);
    act(() => root.render(page(clientPerPage ? new QueryClient() : appClient, second.room)));
    record();
    click();
    await buttonReads(container, 'Disconnect');
    expect(roomOf(second.connect.mock.calls[0]![1])).toBe('room-browser');
    observer.disconnect();
    expect(shown.filter((text) => text.includes('room-server'))).toEqual([]);
    expect(shown.at(-1)).toMatch(/Token ready.*room-browser/);
    act(() => root.unmount());
  });
});
