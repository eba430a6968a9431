import { act } from '@testing-library/react';
import fc from 'fast-check';
import { setLogLevel, type Room } from 'livekit-client';
import * as React from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectButton } from '../../src/components/ConnectButton';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import type { TokenSourceEvent } from '../../src/core/types';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { mintToken, SERVER_URL } from '../helpers/tokens';
import { propertyRuns } from '../helpers/propertyRuns';

setLogLevel('silent');

afterEach(() => {
  vi.useRealTimers();
});

const T0 = Date.parse('2026-12-01T10:00:00Z');

/** Runs of the property (60); raise them and pick the seed to explore: `HYDRATION_PROPERTY_RUNS=600 HYDRATION_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('HYDRATION_PROPERTY', 60);

describe('CustomTokenSessionProvider server render → hydration, in generated orders', () => {
  it('never mismatches, never calls the generator on the server', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          ttlS: fc.constantFrom(2, 30, 600),
          serverAheadMs: fc.constantFrom(-3_600_000, -90_000, 0, 90_000, 3_600_000),
          pageAgeMs: fc.constantFrom(0, 1_000, 45_000, 700_000),
          clientRoom: fc.constantFrom('standup', 'other'),
          clientAgent: fc.constantFrom(undefined, 'helper'),
          tokenAgent: fc.constantFrom(undefined, 'helper'),
          strict: fc.boolean(),
          suspense: fc.boolean(),
          prefetch: fc.boolean(),
          connect: fc.constantFrom(undefined, true, false),
        }),
        async (c) => {
          // Server time: the browser's + serverAheadMs.
          vi.useFakeTimers({ now: T0 + c.serverAheadMs, toFake: ['Date'] });
          const initialToken = {
            options: { roomName: 'standup', agentName: c.tokenAgent },
            response: {
              serverUrl: SERVER_URL,
              participantToken: await mintToken({ room: 'standup', ttl: c.ttlS, agentName: c.tokenAgent }),
            },
          };
          const generator = tokenGenerator();
          const events: TokenSourceEvent['type'][] = [];
          const page = (room?: Room) => {
            let tree: React.ReactNode = (
              <CustomTokenSessionProvider
                generator={generator}
                roomName={c.clientRoom}
                agentName={c.clientAgent}
                initialToken={initialToken}
                prefetch={c.prefetch}
                connect={c.connect}
                microphone={false}
                room={room}
                onEvent={(event) => events.push(event.type)}
              >
                <ConnectButton />
                <TokenStatusView />
              </CustomTokenSessionProvider>
            );
            if (c.suspense) tree = <React.Suspense fallback={<p>loading</p>}>{tree}</React.Suspense>;
            if (c.strict) tree = <React.StrictMode>{tree}</React.StrictMode>;
            return tree;
          };
          const container = document.createElement('div');
          container.innerHTML = renderToString(page());
          expect(generator).not.toHaveBeenCalled();
          expect(events).toEqual([]);

          vi.setSystemTime(T0 + c.pageAgeMs);
          const client = roomWithoutServer();
          const recoverable: unknown[] = [];
          const consoleErrors = vi.spyOn(console, 'error').mockImplementation(() => {});
          const root = await act(async () =>
            hydrateRoot(container, page(client.room), { onRecoverableError: (error) => recoverable.push(error) }),
          );
          await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
          act(() => root.unmount());
          const errors = consoleErrors.mock.calls
            .map((args) => String(args[0]))
            .filter((text) => !text.startsWith('You should not include your API secret'));
          consoleErrors.mockRestore();
          expect(recoverable.map(String)).toEqual([]);
          expect(errors).toEqual([]);
          // What is left of the token on the browser's clock: its lifetime from now, or less when its exp comes sooner.
          const leftMs = Math.min(c.ttlS * 1000, c.serverAheadMs + c.ttlS * 1000 - c.pageAgeMs);
          const firstFetch = events.indexOf('fetch');
          const dropped = events.slice(0, firstFetch === -1 ? undefined : firstFetch).filter((type) => type === 'error');
          expect(dropped).toHaveLength(leftMs <= 0 ? 1 : 0);
          expect(client.connect).toHaveBeenCalledTimes(c.connect === true ? 1 : 0);
          const sameOptions = c.clientRoom === 'standup' && c.clientAgent === c.tokenAgent;
          if (c.connect !== true && !c.prefetch) expect(generator).not.toHaveBeenCalled();
          // The initialToken, fresh for the provider's options, answers the first fetch (and connect).
          if (sameOptions && leftMs > 2_000) expect(generator).not.toHaveBeenCalled();
          if (sameOptions && leftMs <= 0 && (c.prefetch || c.connect === true)) expect(generator).toHaveBeenCalled();
        },
      ),
      { numRuns: RUNS, ...seed },
    );
  }, 120_000);
});
