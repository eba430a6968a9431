import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimes } from '../../scripts/runtimes.mjs';
import {
  afterARefusedBody,
  afterATimedOutBody,
  bundle,
  callerGoneDuringAuthorize,
  credentials,
  answerToAHost,
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

  it('fails before the handler on an empty Host or one that is no host, and its process ends; without a Host line it serves (docs/runtimes.md)', async () => {
    // In a process of its own, as `edge-runtime`'s CLI runs it: Node ends a process on an unhandled rejection.
    const folder = mkdtempSync(join(tmpdir(), 'lkctr-edge-host-'));
    writeFileSync(join(folder, 'handler.js'), script);
    writeFileSync(
      join(folder, 'serve.mjs'),
      `import { readFileSync } from 'node:fs';
      const { EdgeRuntime, runServer } = await import(${JSON.stringify(pathToFileURL(runtimes.edgeRuntime).href)});
      const runtime = new EdgeRuntime({
        initialCode: readFileSync(new URL('handler.js', import.meta.url), 'utf8'),
        extend: (context) => Object.assign(context, { process: { env: ${JSON.stringify(credentials)} } }),
      });
      const server = await runServer({ runtime, host: '127.0.0.1', port: 0 });
      console.log(new URL(server.url).port);`,
    );
    /** Each Host line's answer, then how the server's process ended (`null`: still running). */
    const serve = async (hosts: (string | null)[]) => {
      const child = spawn(process.execPath, [join(folder, 'serve.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      try {
        const port = await new Promise<number>((resolve) => child.stdout.once('data', (data: Buffer) => resolve(Number(String(data)))));
        const answers = [];
        for (const host of hosts) answers.push(await answerToAHost(port, host));
        const exit = await Promise.race([exited, new Promise<null>((resolve) => setTimeout(resolve, 3_000, null))]);
        return { answers, exit, invalidUrl: /TypeError: Invalid URL[^]*edge-runtime\/dist\/server\/create-handler\.js/.test(stderr) };
      } finally {
        child.kill();
      }
    };
    try {
      // HTTP/1.0 without a Host line: edge-runtime makes the host "undefined" of it, and the handler answers.
      expect(await serve([null, null])).toEqual({
        answers: ['HTTP/1.1 201 Created', 'HTTP/1.1 201 Created'],
        exit: null,
        invalidUrl: false,
      });
      for (const host of ['', 'a b']) {
        const { answers, exit, invalidUrl } = await serve([host]);
        // Its own `new URL(path, 'http://' + host)` throws: a bare 200 may be written before the process ends.
        expect(answers[0]).toMatch(/^(HTTP\/1\.1 200 OK|closed, no answer)$/);
        expect({ exit, invalidUrl }).toEqual({ exit: 1, invalidUrl: true });
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('counts a caller gone while authorize ran: request.signal is never aborted (docs/server-security.md)', async () => {
    const port = Number(new URL(server.url).port);
    expect(await callerGoneDuringAuthorize(port, over(port))).toBe('counted');
  });
});
