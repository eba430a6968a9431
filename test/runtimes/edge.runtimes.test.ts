import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimes } from '../../scripts/runtimes.mjs';
import {
  afterARefusedBody,
  afterATimedOutBody,
  bundle,
  callerGoneDuringAuthorize,
  credentials,
  answerToALowerCaseMethod,
  answerToATransferCodedBody,
  expectBindingsPerRequest,
  expectBodyReadBeforeRefused,
  expectOnErrorTold,
  expectBodyTimed,
  expectContentLengthOverLimitRefusedAtOnce,
  expectMissingCredentialNamed,
  expectClientGoneMidBody,
  expectCorsAnswers,
  expectLimitHeldUnderBurst,
  expectHeaderSentTwiceReads,
  expectEncodedBodyRefused,
  expectSameAnswers,
  expectWindowEnds,
  expectServesTokens,
  over,
  reportedErrors,
  statusesForLongHeaders,
} from './harness';

interface EdgeRuntimeModule {
  EdgeRuntime: new (options: { initialCode: string; extend: (context: object) => object }) => object;
  runServer(options: { runtime: object; host: string; port: number }): Promise<{ url: string; close(): Promise<void> }>;
}

describe('Vercel Edge (edge-runtime)', () => {
  let server: { url: string; close(): Promise<void> };
  let script: string;
  beforeAll(async () => {
    // What Next.js and Vercel do for the edge: bundle with the edge-light conditions (and `browser` after it).
    script = await bundle('edge.js', ['edge-light', 'worker', 'browser'], 'iife');
    const { EdgeRuntime, runServer } = (await import(pathToFileURL(runtimes.edgeRuntime).href)) as EdgeRuntimeModule;
    // Vercel's Edge functions see their environment variables as process.env, and nothing else of Node.
    const runtime = new EdgeRuntime({
      initialCode: script,
      extend: (context) => Object.assign(context, { process: { env: { ...credentials } } }),
    });
    server = await runServer({ runtime, host: '127.0.0.1', port: 0 });
  });
  afterAll(() => server?.close());

  it('serves tokens from a fetch event handler, with credentials from process.env', async () => {
    await expectServesTokens(over(Number(new URL(server.url).port)));
  });

  it('reads a single-valued header sent twice as its first line, as Node’s parser does (docs/runtimes.md)', async () => {
    await expectHeaderSentTwiceReads(Number(new URL(server.url).port), 'the first line');
  });

  it('bundles the WebCrypto signer and nothing from Node', () => {
    expect(script).toContain('crypto.subtle.sign');
    expect(script).not.toContain('node:crypto');
  });

  it('closes the connection after refusing a body too large, rather than read the rest (docs/runtimes.md)', async () => {
    const port = Number(new URL(server.url).port);
    expect([await afterARefusedBody(port, 'Content-Length'), await afterARefusedBody(port, 'chunked')]).toEqual(['closed', 'closed']);
  });

  it('closes the connection after a body that timed out, rather than read the rest (docs/runtimes.md)', async () => {
    const port = Number(new URL(server.url).port);
    expect([await afterATimedOutBody(port, 'Content-Length'), await afterATimedOutBody(port, 'chunked')]).toEqual(['closed', 'closed']);
  });

  it('refuses a Content-Length over maxBodyBytes at once, the body never sent', async () => {
    await expectContentLengthOverLimitRefusedAtOnce(Number(new URL(server.url).port));
  });

  it('answers a body slower than bodyTimeoutMs 408 in time, with a Content-Length and chunked', async () => {
    await expectBodyTimed(Number(new URL(server.url).port));
  });

  it('stays healthy after a client closes its socket mid-body', async () => {
    const port = Number(new URL(server.url).port);
    await expectClientGoneMidBody(port, over(port), async () => JSON.stringify(await reportedErrors(over(port))));
  });

  it('answers every listed refusal, a throwing authorize and the memory limit as every runtime does', async () => {
    const send = over(Number(new URL(server.url).port));
    await expectSameAnswers(send, send);
  });

  it('refuses a body sent with Content-Encoding: gzip with 415, never inflating it (docs/server-security.md)', async () => {
    await expectEncodedBodyRefused(over(Number(new URL(server.url).port)));
  });

  it('answers CORS preflights and cross-origin posts as every runtime does', async () => {
    await expectCorsAnswers(over(Number(new URL(server.url).port)));
  });

  it('holds the memory limit under a burst of one caller’s requests', async () => {
    await expectLimitHeldUnderBurst(over(Number(new URL(server.url).port)));
  });

  it('answers a header too long for it as docs/runtimes.md says: edge-runtime refuses headers over 16 KiB itself, as Node does: 431', async () => {
    expect(await statusesForLongHeaders(Number(new URL(server.url).port))).toEqual([431, 431, 431]);
  });

  it('ends a window of the memory store on time', async () => {
    await expectWindowEnds(over(Number(new URL(server.url).port)));
  });

  it('tells onError what authorize threw, and of its authorizeTimeoutMs, once per request', async () => {
    const send = over(Number(new URL(server.url).port));
    await expectOnErrorTold(send, send);
  });

  it('reads credentials from env bindings passed per request, over process.env; a malformed one is 500, named, never shown (docs/runtimes.md)', async () => {
    const send = over(Number(new URL(server.url).port));
    await expectBindingsPerRequest(send, send);
  });

  it('answers 500 to a Request whose body was read, or is held, before the handler, and tells onError why (docs/runtimes.md)', async () => {
    const send = over(Number(new URL(server.url).port));
    await expectBodyReadBeforeRefused(send, send);
  });

  it('refuses a method in lower case itself, before the handler, as Node’s parser does: a bare 400 (README, 405 row)', async () => {
    expect(await answerToALowerCaseMethod(Number(new URL(server.url).port))).toBe('HTTP/1.1 400 Bad Request');
  });

  it('passes a body sent as Transfer-Encoding: gzip, chunked on as it came, and the handler refuses it: 415 (docs/server-security.md)', async () => {
    expect(await answerToATransferCodedBody(Number(new URL(server.url).port))).toBe(
      'HTTP/1.1 415 Unsupported Media Type unsupported_media_type',
    );
  });

  it('without the LiveKit variables in process.env, answers 500 internal_error and tells onError which is missing (README, Credentials)', async () => {
    const { EdgeRuntime, runServer } = (await import(pathToFileURL(runtimes.edgeRuntime).href)) as EdgeRuntimeModule;
    const unset = await runServer({
      runtime: new EdgeRuntime({ initialCode: script, extend: (context) => Object.assign(context, { process: { env: {} } }) }),
      host: '127.0.0.1',
      port: 0,
    });
    try {
      await expectMissingCredentialNamed(over(Number(new URL(unset.url).port)));
    } finally {
      await unset.close();
    }
  });

  it('counts a caller gone while authorize ran: request.signal is never aborted (docs/server-security.md)', async () => {
    const port = Number(new URL(server.url).port);
    expect(await callerGoneDuringAuthorize(port, over(port))).toBe('counted');
  });
});
