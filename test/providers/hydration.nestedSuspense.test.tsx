import { act } from '@testing-library/react';
import { setLogLevel } from 'livekit-client';
import * as React from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { AgentStatusIndicator } from '../../src/components/AgentStatusIndicator';
import { CameraGrid } from '../../src/components/CameraGrid';
import { ConnectButton } from '../../src/components/ConnectButton';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { fakeMediaDevices } from '../helpers/media';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { mintToken, SERVER_URL } from '../helpers/tokens';

setLogLevel('silent');
const actEnvironment = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };

afterEach(() => {
  actEnvironment.IS_REACT_ACT_ENVIRONMENT = true;
});

/** An app's own component in a boundary of its own: it reads nothing of the session. */
function Footer() {
  return <footer>{`Call ${React.useId()}`}</footer>;
}

/**
 * A page's parts inside `<Suspense>` boundaries of their own (a Next.js `loading.tsx`, a lazy panel):
 * React hydrates those after the provider, whose effects — `connect` starting the session — run first.
 * React 18 renders such a boundary again on the client whatever it would render: any update of a
 * context above it before it hydrates does that (`connect`'s start, LiveKit's connection state), at
 * whatever priority, once the updates outrun its hydration (README, Next.js).
 */
const hydratesAfterContextUpdates = 'use' in React;

describe.skipIf(!hydratesAfterContextUpdates)(
  'CustomTokenSessionProvider with connect, its consumers in Suspense boundaries hydrated after it',
  () => {
    it.each([false, true])(
      'hydrates every boundary without a mismatch or a fallback to client rendering, and connects once (initialToken %s)',
      async (withInitialToken) => {
        fakeMediaDevices();
        const initialToken = withInitialToken
          ? {
              options: { roomName: 'standup', agentName: 'helper' },
              response: { serverUrl: SERVER_URL, participantToken: await mintToken({ room: 'standup', agentName: 'helper' }) },
            }
          : undefined;
        const generator = tokenGenerator();
        const { room, connect } = roomWithoutServer();
        const page = (withRoom?: typeof room) => (
          <CustomTokenSessionProvider
            generator={generator}
            roomName="standup"
            agentName="helper"
            initialToken={initialToken}
            room={withRoom}
            microphone={false}
            connect
          >
            <React.Suspense fallback={<p>Loading</p>}>
              <ConnectButton />
              <AgentStatusIndicator />
            </React.Suspense>
            <React.Suspense fallback={<p>Loading</p>}>
              <CameraGrid />
              <TokenStatusView />
              <ErrorNotice />
            </React.Suspense>
            <React.Suspense fallback={<p>Loading</p>}>
              <Footer />
            </React.Suspense>
          </CustomTokenSessionProvider>
        );
        const container = document.createElement('div');
        document.body.append(container);
        onTestFinished(() => container.remove());
        container.innerHTML = renderToString(page());
        const serverFooter = container.querySelector('footer')!;
        const recoverable: unknown[] = [];
        const consoleErrors = vi.spyOn(console, 'error').mockImplementation(() => {});
        // React's own scheduling, as in a browser: act() would run the effects and the hydrations in another order.
        actEnvironment.IS_REACT_ACT_ENVIRONMENT = false;
        const root = hydrateRoot(container, page(room), { onRecoverableError: (error) => recoverable.push(error) });
        await new Promise((resolve) => setTimeout(resolve, 300));
        actEnvironment.IS_REACT_ACT_ENVIRONMENT = true;
        const errors = consoleErrors.mock.calls.map((args) => String(args[0])).filter((text) => !text.startsWith('You should not include'));
        consoleErrors.mockRestore();

        expect(recoverable.map(String)).toEqual([]);
        expect(errors).toEqual([]);
        // Hydrated, not rendered again on the client: the server's elements are kept.
        expect(container.querySelector('footer')).toBe(serverFooter);
        // Started by `connect`, in the room, waiting for its agent (on a busy machine, a little later).
        await vi.waitFor(
          () => {
            expect(room.state).toBe('connected');
            expect(container.querySelector('.lk-ctr-connect-button')!.textContent).toBe('Cancel connecting');
          },
          { timeout: 3_000 },
        );
        expect(connect).toHaveBeenCalledTimes(1);
        act(() => root.unmount());
      },
    );
  },
);
