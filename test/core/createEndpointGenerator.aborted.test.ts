// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import type { TokenSourceEvent } from '../../src/core/types';
import { listen, type Listening } from '../server/listen';

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A real endpoint that answers with `status` and the first bytes of its error body, then nothing more. */
async function slowErrorEndpoint(status: number) {
  server = await listen((_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.write('{"error":{"code":"overl');
  });
  return `${server.origin}/api/token`;
}

/** The global `fetch`, and a promise of the moment it handed over an answer's status and headers. */
function watchedFetch() {
  let answered!: () => void;
  const headersArrived = new Promise<void>((resolve) => (answered = resolve));
  const fetchWatched: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    answered();
    return response;
  };
  return { fetch: fetchWatched, headersArrived };
}

describe('createEndpointGenerator: a fetch aborted while an error answer’s body is still coming', () => {
  it('is reported to onEvent as aborted, as every other abort is, not as the status', async () => {
    const url = await slowErrorEndpoint(503);
    const watched = watchedFetch();
    const errors: TokenSourceEvent[] = [];
    const source = createCustomTokenSource(createEndpointGenerator(url, { fetch: watched.fetch }), {
      onEvent: (event) => void (event.type === 'error' && errors.push(event)),
    });
    const fetched = source.fetch({ roomName: 'A' }).catch((error: unknown) => error);
    await watched.headersArrived;
    source.cancel();
    await expect(fetched).resolves.toMatchObject({ code: 'aborted' });
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]).toMatchObject({ error: { code: 'aborted' }, willRetry: false });
  });
});
