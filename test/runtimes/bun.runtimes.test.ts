import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimes } from '../../scripts/runtimes.mjs';
import {
  afterARefusedBody,
  answerToAStalledBody,
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
  expectDocSampleServes,
  expectMissingCredentialNamed,
  expectClientGoneMidBody,
  expectCorsAnswers,
  expectLimitHeldUnderBurst,
  expectEncodedBodyRefused,
  expectSameAnswers,
  expectWindowEnds,
  expectHeaderSentTwiceReads,
  expectServesTokens,
  fixture,
  over,
  statusesForLongHeaders,
  runToExit,
  startRuntime,
  type RuntimeProcess,
} from './harness';

describe('Bun', () => {
  let runtime: RuntimeProcess;
  beforeAll(async () => {
    runtime = await startRuntime(runtimes.bun, [fixture('bun.ts')]);
  });
  afterAll(() => runtime?.stop());

  it('serves tokens from Bun.serve({ fetch }), with credentials from the environment', async () => {
    await expectServesTokens(over(runtime.ports[0]!));
  });

  it('reads a single-valued header sent twice as both lines joined (docs/runtimes.md)', async () => {
    await expectHeaderSentTwiceReads(runtime.ports[0]!, 'both lines joined');
  });

  it('signs with node:crypto (the bun condition of #signJwt)', () => {
    expect(runtime.signer).toMatch(/\/dist\/server\/platform\/signJwt\.node\.js$/);
  });

  it('closes the connection after refusing a body too large, rather than read the rest (docs/runtimes.md)', async () => {
    const port = runtime.ports[0]!;
    expect([await afterARefusedBody(port, 'Content-Length'), await afterARefusedBody(port, 'chunked')]).toEqual(['closed', 'closed']);
  });

  it('closes the connection after a body that timed out, rather than read the rest (docs/runtimes.md)', async () => {
    const port = runtime.ports[0]!;
    expect([await afterATimedOutBody(port, 'Content-Length'), await afterATimedOutBody(port, 'chunked')]).toEqual(['closed', 'closed']);
  });

  it('refuses a Content-Length over maxBodyBytes at once, the body never sent', async () => {
    await expectContentLengthOverLimitRefusedAtOnce(runtime.ports[0]!);
  });

  it('answers a body slower than bodyTimeoutMs 408 in time, with a Content-Length and chunked', async () => {
    await expectBodyTimed(runtime.ports[0]!);
  });

  it('closes a connection whose body is still arriving at Bun.serve’s idleTimeout, before bodyTimeoutMs, with no answer: idleTimeout must outlast it (docs/runtimes.md)', async () => {
    // The handler's bodyTimeoutMs is 6 s; Bun counts idleTimeout in steps of about 4 s, so 1 s closes within 4 s, and 10 s after 8 s at the earliest.
    const [shortIdle, longIdle] = await Promise.all([answerToAStalledBody(runtime.ports[1]!), answerToAStalledBody(runtime.ports[2]!)]);
    expect(shortIdle.answer).toBe('closed, no answer');
    expect(shortIdle.ms).toBeLessThan(5_000);
    expect(longIdle.answer).toBe('HTTP/1.1 408 Request Timeout request_timeout');
    expect(longIdle.ms).toBeGreaterThanOrEqual(6_000 - 20);
    expect(longIdle.ms).toBeLessThan(6_000 + 700);
  });

  it('answers an authorize slower than Bun.serve’s idleTimeout once the body has arrived (docs/runtimes.md)', async () => {
    const started = performance.now();
    const response = await over(runtime.ports[3]!)('/', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect([response.status, ((await response.json()) as { server_url: string }).server_url]).toEqual([201, 'wss://runtime.example']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(6_000 - 20);
  });

  it('stays healthy and quiet after a client closes its socket mid-body', async () => {
    await expectClientGoneMidBody(runtime.ports[0]!, over(runtime.ports[0]!), runtime.output);
  });

  it('answers every listed refusal, a throwing authorize and the memory limit as every runtime does', async () => {
    await expectSameAnswers(over(runtime.ports[0]!), over(runtime.ports[0]!));
    await expect.poll(runtime.output).toMatch(/onError: authorize failed/);
  });

  it('refuses a body sent with Content-Encoding: gzip with 415, never inflating it (docs/server-security.md)', async () => {
    await expectEncodedBodyRefused(over(runtime.ports[0]!));
  });

  it('answers CORS preflights and cross-origin posts as every runtime does', async () => {
    await expectCorsAnswers(over(runtime.ports[0]!));
  });

  it('holds the memory limit under a burst of one caller’s requests', async () => {
    await expectLimitHeldUnderBurst(over(runtime.ports[0]!));
  });

  it('answers a header too long for it as docs/runtimes.md says: Bun refuses headers over 16 KiB itself: 431', async () => {
    expect(await statusesForLongHeaders(runtime.ports[0]!)).toEqual([431, 431, 431]);
  });

  it('ends a window of the memory store on time', async () => {
    await expectWindowEnds(over(runtime.ports[0]!));
  });

  it('counts nothing for a caller gone while authorize ran: Bun aborts request.signal (docs/server-security.md)', async () => {
    expect(await callerGoneDuringAuthorize(runtime.ports[0]!, over(runtime.ports[0]!))).toBe('counted nothing');
  });

  it('logs through the default onError, with the path, a request whose Host makes no URL (Bun hands over the path alone as request.url)', async () => {
    await expectDefaultOnErrorLogs(runtime.ports[0]!, [null, ''], runtime.output);
  });

  it('tells onError what authorize threw, and of its authorizeTimeoutMs, once per request', async () => {
    await expectOnErrorTold(over(runtime.ports[0]!), over(runtime.ports[0]!));
  });

  it('reads credentials from env bindings passed per request, over the process environment; a malformed one is 500, named, never shown (docs/runtimes.md)', async () => {
    await expectBindingsPerRequest(over(runtime.ports[0]!), over(runtime.ports[0]!));
  });

  it('answers 500 to a Request whose body was read, or is held, before the handler, and tells onError why (docs/runtimes.md)', async () => {
    await expectBodyReadBeforeRefused(over(runtime.ports[0]!), over(runtime.ports[0]!));
  });

  it('refuses a method in lower case itself, before the handler, by closing the connection with no answer (README, 405 row)', async () => {
    expect(await answerToALowerCaseMethod(runtime.ports[0]!)).toBe('closed, no answer');
  });

  it('refuses a body sent as Transfer-Encoding: gzip, chunked itself, before the handler: a bare 400 (docs/server-security.md)', async () => {
    expect(await answerToATransferCodedBody(runtime.ports[0]!)).toBe('HTTP/1.1 400 Bad Request');
  });

  it('without the LiveKit variables, answers 500 internal_error and tells onError which is missing (README, Credentials)', async () => {
    const unset = await startRuntime(runtimes.bun, [fixture('bun.ts')], {});
    try {
      await expectMissingCredentialNamed(over(unset.ports[0]!));
    } finally {
      await unset.stop();
    }
  });

  it('runs docs/runtimes.md’s Bun sample as pasted, in an app that installed the package as the README says', async () => {
    await expectDocSampleServes('Bun', runtimes.bun);
  });

  it('leaves nothing that keeps the process busy: the handler in process settles, and the runtime exits at once', async () => {
    const { output, ms } = await runToExit(runtimes.bun, []);
    expect(output).toMatch(/statuses 201 408 408/);
    expect(ms).toBeLessThan(2_000);
  });
});
