import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimes } from '../../scripts/runtimes.mjs';
import {
  afterARefusedBody,
  afterATimedOutBody,
  callerGoneDuringAuthorize,
  answerToALowerCaseMethod,
  answerToATransferCodedBody,
  expectBindingsPerRequest,
  expectBodyReadBeforeRefused,
  expectOnErrorTold,
  expectBodyTimed,
  expectContentLengthOverLimitRefusedAtOnce,
  expectDefaultOnErrorLogs,
  expectMissingCredentialNamed,
  expectClientGoneMidBody,
  expectCorsAnswers,
  expectLimitHeldUnderBurst,
  expectEncodedBodyRefused,
  expectSameAnswers,
  expectSameOriginOverTls,
  expectWindowEnds,
  expectHeaderSentTwiceReads,
  expectServesTokens,
  fixture,
  over,
  statusesForLongHeaders,
  runToExit,
  selfSignedCertificate,
  startRuntime,
  credentials,
  type RuntimeProcess,
} from './harness';

describe.each([
  ['Node 20 (this machine)', process.execPath],
  ['Node 24', runtimes.node24],
])('%s', (_name, node) => {
  let runtime: RuntimeProcess;
  beforeAll(async () => {
    runtime = await startRuntime(node, [fixture('node.mjs')]);
  });
  afterAll(() => runtime?.stop());

  it('serves tokens through toNodeHandler, with credentials from the environment', async () => {
    await expectServesTokens(over(runtime.ports[0]!));
  });

  it('serves tokens through Fetch Request and Response objects', async () => {
    await expectServesTokens(over(runtime.ports[1]!));
  });

  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])('reads a single-valued header sent twice as its first line, through %s (docs/runtimes.md)', async (_path, server) => {
    await expectHeaderSentTwiceReads(runtime.ports[server]!, 'the first line');
  });

  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])('closes the connection after refusing a body too large, through %s (docs/runtimes.md)', async (_path, server) => {
    expect([
      await afterARefusedBody(runtime.ports[server]!, 'Content-Length'),
      await afterARefusedBody(runtime.ports[server]!, 'chunked'),
    ]).toEqual(['closed', 'closed']);
  });

  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])('closes the connection after a body that timed out, through %s (docs/runtimes.md)', async (_path, server) => {
    expect([
      await afterATimedOutBody(runtime.ports[2 + server]!, 'Content-Length'),
      await afterATimedOutBody(runtime.ports[2 + server]!, 'chunked'),
    ]).toEqual(['closed', 'closed']);
  });

  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])(
    'answers a header too long for it as docs/runtimes.md says: Node refuses headers over 16 KiB itself: 431, through %s',
    async (_path, server) => {
      expect(await statusesForLongHeaders(runtime.ports[server]!)).toEqual([431, 431, 431]);
    },
  );

  // The one-second window's handler is on ports 6 (toNodeHandler) and 7 (Fetch objects).
  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])('ends a window of the memory store on time, through %s', async (_path, server) => {
    await expectWindowEnds(over(runtime.ports[6 + server]!));
  });

  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])('refuses a Content-Length over maxBodyBytes at once, the body never sent, through %s', async (_path, server) => {
    await expectContentLengthOverLimitRefusedAtOnce(runtime.ports[server]!);
  });

  it('signs with node:crypto (the node condition of #signJwt)', () => {
    expect(runtime.signer).toMatch(/\/dist\/server\/platform\/signJwt\.node\.js$/);
  });

  // The timed handler is on ports 2 (toNodeHandler) and 3 (Fetch objects).
  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])('answers a slow body 408 in time, stays healthy and quiet after a client gone mid-body, through %s', async (_path, server) => {
    const port = runtime.ports[2 + server]!;
    await expectBodyTimed(port);
    await expectClientGoneMidBody(port, over(port), runtime.output);
  });

  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])('answers every listed refusal, a throwing authorize and the memory limit as every runtime does, through %s', async (_path, server) => {
    await expectSameAnswers(over(runtime.ports[server]!), over(runtime.ports[2 + server]!));
  });

  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])(
    'refuses a body sent with Content-Encoding: gzip with 415, never inflating it (docs/server-security.md), through %s',
    async (_path, server) => {
      await expectEncodedBodyRefused(over(runtime.ports[server]!));
    },
  );

  // The CORS handler is on ports 4 (toNodeHandler) and 5 (Fetch objects).
  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])('answers CORS preflights and cross-origin posts as every runtime does, through %s', async (_path, server) => {
    await expectCorsAnswers(over(runtime.ports[4 + server]!));
  });

  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])('holds the memory limit under a burst of one caller’s requests, through %s', async (_path, server) => {
    await expectLimitHeldUnderBurst(over(runtime.ports[2 + server]!));
  });

  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])('counts nothing for a caller gone while authorize ran, through %s (docs/server-security.md)', async (_path, server) => {
    expect(await callerGoneDuringAuthorize(runtime.ports[2 + server]!, over(runtime.ports[2 + server]!), over(runtime.ports[8]!))).toBe(
      'counted nothing',
    );
  });

  // Every handler by its path, behind Fetch objects (the fixture's `byPath`), is on port 8.
  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])('tells onError what authorize threw, and of its authorizeTimeoutMs, once per request, through %s', async (_path, server) => {
    await expectOnErrorTold(over(runtime.ports[2 + server]!), over(runtime.ports[8]!));
  });

  // The handler with the default onError is on port 9, behind toNodeHandler alone.
  it.each([
    ['toNodeHandler', 9],
    ['Fetch Request and Response objects', 8],
  ])(
    'gives authorize and the default onError the request’s own path, on localhost, when its Host is none (missing, empty, `a b`), through %s',
    async (_path, server) => {
      await expectDefaultOnErrorLogs(runtime.ports[server]!, [null, '', 'a b'], runtime.output);
    },
  );

  it('hands authorize the https URL of a request served over TLS (node:https), through toNodeHandler and Fetch objects', async () => {
    const certificate = selfSignedCertificate();
    try {
      const secure = await startRuntime(node, [fixture('node.tls.mjs')], {
        ...credentials,
        TLS_KEY: certificate.key,
        TLS_CERT: certificate.cert,
      });
      try {
        await expectSameOriginOverTls(secure.ports, certificate.pem);
      } finally {
        await secure.stop();
      }
    } finally {
      certificate.remove();
    }
  });

  it('reads credentials from env bindings passed per request, over the process environment; a malformed one is 500, named, never shown (docs/runtimes.md)', async () => {
    await expectBindingsPerRequest(over(runtime.ports[8]!), over(runtime.ports[8]!));
  });

  it('answers 500 to a Request whose body was read, or is held, before the handler, and tells onError why (docs/runtimes.md)', async () => {
    await expectBodyReadBeforeRefused(over(runtime.ports[8]!), over(runtime.ports[8]!));
  });

  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])('refuses a method in lower case itself, before the handler: a bare 400, through %s (README, 405 row)', async (_path, server) => {
    expect(await answerToALowerCaseMethod(runtime.ports[server]!)).toBe('HTTP/1.1 400 Bad Request');
  });

  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])(
    'passes a body sent as Transfer-Encoding: gzip, chunked on as it came, and the handler refuses it: 415, through %s (docs/server-security.md)',
    async (_path, server) => {
      expect(await answerToATransferCodedBody(runtime.ports[server]!)).toBe('HTTP/1.1 415 Unsupported Media Type unsupported_media_type');
    },
  );

  it('without the LiveKit variables: toNodeHandler throws when it is called, naming the variable; the Fetch handler answers 500 and tells onError (README, Credentials)', async () => {
    await expect(startRuntime(node, [fixture('node.mjs')], {})).rejects.toThrow(
      /exited \(1\) before listening:[^]*createTokenHandler: no LiveKit apiKey — pass `apiKey` or set the LIVEKIT_API_KEY environment variable/,
    );
    const fetchOnly = await startRuntime(node, [fixture('node.fetch.mjs')], {});
    try {
      await expectMissingCredentialNamed(over(fetchOnly.ports[0]!));
    } finally {
      await fetchOnly.stop();
    }
  });

  it('leaves nothing that keeps the process busy: the handler in process settles, and the runtime exits at once', async () => {
    const { output, ms } = await runToExit(node, []);
    expect(output).toMatch(/statuses 201 408 408/);
    expect(ms).toBeLessThan(2_000);
  });
});
