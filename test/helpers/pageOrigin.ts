import type { RequestListener } from 'node:http';
import { onTestFinished, vi } from 'vitest';
import { listen } from '../server/listen';

/**
 * Serves `routes` (a path each, as an app's server would) on a loopback server that stands for the
 * page's own origin: a `fetch` of a relative URL such as `/api/token` goes to it, as in a browser
 * (jsdom's `fetch` has no origin to resolve it against). Any other path answers 404. `fetch` is
 * restored and the server closed when the test finishes.
 */
export async function servePageOrigin(routes: Record<string, RequestListener>): Promise<void> {
  const server = await listen((request, response) => {
    const route = routes[request.url ?? ''];
    return route ? route(request, response) : response.writeHead(404).end();
  });
  onTestFinished(server.close);
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (input: string, init?: RequestInit) => realFetch(new URL(input, server.origin), init));
  onTestFinished(() => void vi.unstubAllGlobals());
}
