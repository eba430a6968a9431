// @vitest-environment node
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import * as React from 'react';
import { describe, expect, it, vi } from 'vitest';
import { AgentStatusIndicator } from '../../src/components/AgentStatusIndicator';
import { CameraGrid } from '../../src/components/CameraGrid';
import { ConnectButton } from '../../src/components/ConnectButton';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { mintToken, SERVER_URL } from '../helpers/tokens';

/** Timers and handles that would keep Node running (none may be left by a render). */
const handles = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout' || kind === 'Immediate');

/** `renderToReadableStream`: the Web Streams renderer of edge runtimes (React 18's `server.browser`; React 19's `server` too). */
async function webStreamRenderer(): Promise<typeof import('react-dom/server.browser')> {
  return Number(React.version.split('.')[0]) >= 19 ? await import('react-dom/server') : await import('react-dom/server.browser');
}

describe('the provider rendered to a Web stream (edge runtimes)', () => {
  it.each([false, true])(
    'renders every component, leaves nothing running, calls no generator, logs nothing (app QueryClient %s)',
    async (appClient) => {
      expect(typeof window).toBe('undefined');
      const { renderToReadableStream } = await webStreamRenderer();
      const consoleErrors = vi.spyOn(console, 'error');
      const consoleWarnings = vi.spyOn(console, 'warn');
      const initialToken = {
        options: { roomName: 'standup', agentName: 'helper' },
        response: { serverUrl: SERVER_URL, participantToken: await mintToken({ identity: 'ada', room: 'standup', agentName: 'helper' }) },
      };
      const generator = vi.fn(() => new Promise<never>(() => {}));
      const client = new QueryClient();
      const before = handles().length;
      for (const tokenProps of [{ generator }, { tokenEndpoint: '/api/livekit-token' }]) {
        let page: React.ReactNode = (
          <React.StrictMode>
            <React.Suspense fallback={<p>Loading</p>}>
              <CustomTokenSessionProvider {...tokenProps} roomName="standup" agentName="helper" camera initialToken={initialToken} connect>
                <ConnectButton />
                <AgentStatusIndicator />
                <CameraGrid empty={<p>No cameras yet</p>} />
                <TokenStatusView />
                <ErrorNotice />
              </CustomTokenSessionProvider>
            </React.Suspense>
          </React.StrictMode>
        );
        if (appClient) page = <QueryClientProvider client={client}>{page}</QueryClientProvider>;
        const stream = await renderToReadableStream(page, {
          onError: (error) => {
            throw error;
          },
        });
        await stream.allReady;
        const html = await new Response(stream).text();
        expect(html).toContain('>Connect</button>');
        expect(html).toContain('Token ready');
        expect(html).toContain('>ada<');
        expect(html).toContain('No cameras yet');
      }
      // What the renderer itself scheduled has run by now.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(handles().length).toBeLessThanOrEqual(before);
      // The server render wrote nothing into the app's client (nothing to dehydrate by mistake).
      expect(client.getQueryCache().getAll()).toEqual([]);
      expect(generator).not.toHaveBeenCalled();
      // React 18 warns of a context rendered by two renderers at once: the client renderer of the jsdom files this worker ran before (\`isolate: false\`), not the page's.
      const sharedWorker = (args: unknown[]) => String(args[0]).startsWith('Warning: Detected multiple renderers concurrently rendering');
      expect(consoleErrors.mock.calls.filter((args) => !sharedWorker(args))).toEqual([]);
      expect(consoleWarnings).not.toHaveBeenCalled();
    },
  );
});
