import { SessionProvider } from '@livekit/components-react';
import { act } from '@testing-library/react';
import fc from 'fast-check';
import { setLogLevel } from 'livekit-client';
import * as React from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { useCustomTokenSession } from '../../src/hooks/useCustomTokenSession';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import type { TokenGenerator, TokenResponse } from '../../src/core/types';
import { mintingGenerator } from '../helpers/generators';
import { mintToken, SERVER_URL } from '../helpers/tokens';
import { propertyRuns } from '../helpers/propertyRuns';

setLogLevel('silent');
afterEach(() => {
  vi.useRealTimers();
});

function Call({ generator, initial, roomName }: { generator: TokenGenerator; initial: TokenResponse; roomName: string }) {
  const source = useCustomTokenSource(generator, { initialToken: { options: { roomName: 'standup' }, response: initial } });
  const session = useCustomTokenSession(source, { roomName });
  const { status, identity } = useTokenStatus(source);
  return (
    <SessionProvider session={session}>
      <p>{`${status} ${identity ?? '-'} ${session.connectionState} ${session.isConnected ? 'in' : 'out'}`}</p>
      <TokenStatusView source={source} />
    </SessionProvider>
  );
}

/** Runs of the property (40); raise them and pick the seed to explore: `HOOKS_HYDRATION_PROPERTY_RUNS=400 HOOKS_HYDRATION_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('HOOKS_HYDRATION_PROPERTY', 40);

describe('useCustomTokenSession server-rendered, then hydrated', () => {
  it('hydrates without a mismatch in generated orders of clocks and page ages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          serverAheadMs: fc.constantFrom(-3_600_000, 0, 30_000, 3_600_000),
          pageAgeMs: fc.constantFrom(0, 5_000, 3_600_000),
          roomName: fc.constantFrom('standup', 'other'),
          strict: fc.boolean(),
          suspense: fc.boolean(),
        }),
        async (c) => {
          vi.useFakeTimers({ now: Date.parse('2026-12-01T10:00:00Z') + c.serverAheadMs, toFake: ['Date'] });
          const initial = { serverUrl: SERVER_URL, participantToken: await mintToken({ identity: 'ada', room: 'standup', ttl: 600 }) };
          const serverGenerator = vi.fn<TokenGenerator>(() => Promise.reject(new Error('not on the server')));
          const page = (generator: TokenGenerator) => {
            let tree: React.ReactNode = <Call generator={generator} initial={initial} roomName={c.roomName} />;
            if (c.suspense) tree = <React.Suspense fallback="loading">{tree}</React.Suspense>;
            return c.strict ? <React.StrictMode>{tree}</React.StrictMode> : tree;
          };
          const container = document.createElement('div');
          container.innerHTML = renderToString(page(serverGenerator));
          expect(container.textContent).toContain('ready ada disconnected out');
          expect(serverGenerator).not.toHaveBeenCalled();
          vi.setSystemTime(Date.parse('2026-12-01T10:00:00Z') + c.pageAgeMs);
          const recoverable: unknown[] = [];
          const consoleErrors = vi.spyOn(console, 'error').mockImplementation(() => {});
          const root = await act(async () =>
            hydrateRoot(container, page(mintingGenerator()), { onRecoverableError: (e) => recoverable.push(e) }),
          );
          await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
          act(() => root.unmount());
          const errors = consoleErrors.mock.calls.map((args) => String(args[0])).filter((t) => !t.startsWith('You should not include'));
          consoleErrors.mockRestore();
          expect(recoverable.map(String)).toEqual([]);
          expect(errors).toEqual([]);
        },
      ),
      { numRuns: RUNS, ...seed },
    );
  }, 60_000);
});
