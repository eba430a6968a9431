import { act } from '@testing-library/react';
import { setLogLevel } from 'livekit-client';
import * as React from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectButton } from '../../src/components/ConnectButton';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { mintToken, SERVER_URL } from '../helpers/tokens';
import { fakeMediaDevices } from '../helpers/media';

setLogLevel('silent');
const actEnvironment = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };

afterEach(() => {
  actEnvironment.IS_REACT_ACT_ENVIRONMENT = true;
});

describe.each([false, true])('a start() clicked before hydration completes (StrictMode %s)', (strict) => {
  it.each([true, false])(
    'connects once with the initialToken (prefetch %s)',
    async (prefetch) => {
      fakeMediaDevices();
      const initialToken = {
        options: { roomName: 'standup' },
        response: { serverUrl: SERVER_URL, participantToken: await mintToken({ room: 'standup' }) },
      };
      const generator = tokenGenerator();
      const { room, connect } = roomWithoutServer();
      const page = (withRoom?: typeof room) => {
        const tree = (
          <CustomTokenSessionProvider
            generator={generator}
            roomName="standup"
            initialToken={initialToken}
            prefetch={prefetch}
            room={withRoom}
            microphone={false}
          >
            <ConnectButton />
            <TokenStatusView />
          </CustomTokenSessionProvider>
        );
        return strict ? <React.StrictMode>{tree}</React.StrictMode> : tree;
      };
      const container = document.createElement('div');
      document.body.append(container);
      container.innerHTML = renderToString(page());
      actEnvironment.IS_REACT_ACT_ENVIRONMENT = false;
      const recoverable: unknown[] = [];
      const root = hydrateRoot(container, page(room), { onRecoverableError: (error) => recoverable.push(error) });
      try {
        container.querySelector('button')!.click();
        // Polled, not a fixed wait: on a loaded machine the connect can take longer than any set time.
        await vi.waitFor(() => expect(container.querySelector('button')!.textContent).toBe('Disconnect'), { timeout: 5_000 });
        // And no second connect after it.
        await new Promise((resolve) => setTimeout(resolve, 100));
        actEnvironment.IS_REACT_ACT_ENVIRONMENT = true;
        expect(recoverable).toEqual([]);
        expect(connect).toHaveBeenCalledTimes(1);
        expect(connect.mock.calls[0]![1]).toBe(initialToken.response.participantToken);
        expect(generator).not.toHaveBeenCalled();
      } finally {
        // Unmounted even when an assertion failed: the test files share one jsdom (isolate: false).
        actEnvironment.IS_REACT_ACT_ENVIRONMENT = true;
        act(() => root.unmount());
        container.remove();
      }
    },
    15_000,
  );
});
