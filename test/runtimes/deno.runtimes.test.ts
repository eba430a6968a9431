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
  expectDocSampleServes,
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

/** What Deno 2.9 prints, once per process, the first time a handler reads `request.signal` (the handler does when `limits` are set). */
const legacyAbortNotice = /Deno\.serve: request\.signal aborts on successful responses \(legacy behavior\)\..*\n/;

describe('Deno', () => {
  let runtime: RuntimeProcess;
  // Only loopback, the LiveKit variables and the files it loads: what a deployment would grant.
  const permissions = [
    '--allow-net=127.0.0.1',
    '--allow-env=LIVEKIT_API_KEY,LIVEKIT_API_SECRET,LIVEKIT_URL',
    '--allow-read',
    '--no-prompt',
  ];
  beforeAll(async () => {
    runtime = await startRuntime(runtimes.deno, ['run', ...permissions, fixture('deno.ts')]);
  });
  afterAll(() => runtime?.stop());

  it('serves tokens from Deno.serve(handler), with credentials from the environment', async () => {
    await expectServesTokens(over(runtime.ports[0]!));
  });

  it('reads a single-valued header sent twice as both lines joined (docs/runtimes.md)', async () => {
    await expectHeaderSentTwiceReads(runtime.ports[0]!, 'both lines joined');
  });

  it('signs with node:crypto (the deno condition of #signJwt)', () => {
    expect(runtime.signer).toMatch(/\/dist\/server\/platform\/signJwt\.node\.js$/);
  });

  it('answers 500 internal_error, with no token, without --allow-env (docs/runtimes.md), rather than crashing or prompting; onError names the variable and the flag that lets it be read', async () => {
    const denied = await startRuntime(runtimes.deno, ['run', '--allow-net=127.0.0.1', '--allow-read', '--no-prompt', fixture('deno.ts')]);
    try {
      const response = await over(denied.ports[0]!)('/api/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
        body: '{"room_name":"standup"}',
      });
      expect([response.status, await response.json()]).toEqual([
        500,
        { error: { code: 'internal_error', message: 'The token could not be issued.' } },
      ]);
      // The variable is set (the credentials are in Deno's environment): onError says it could not be read, and how to allow it.
      await expect
        .poll(denied.output)
        .toMatch(
          /onError: createTokenHandler: LIVEKIT_API_KEY could not be read from the environment \(.*\)\. On Deno, allow it: --allow-env=LIVEKIT_API_KEY/,
        );
      expect(denied.output()).not.toContain('set the LIVEKIT_API_KEY environment variable');
    } finally {
      await denied.stop();
    }
  });

  it('closes the connection after refusing a body too large with a Content-Length, and reads a chunked one to its end (docs/runtimes.md)', async () => {
    const port = runtime.ports[0]!;
    expect([await afterARefusedBody(port, 'Content-Length'), await afterARefusedBody(port, 'chunked')]).toEqual([
      'closed',
      'kept, the rest read',
    ]);
  });

  it('keeps the connection after a body that timed out, with a Content-Length too, and reads the rest (docs/runtimes.md)', async () => {
    const port = runtime.ports[0]!;
    expect([await afterATimedOutBody(port, 'Content-Length'), await afterATimedOutBody(port, 'chunked')]).toEqual([
      'kept, the rest read',
      'kept, the rest read',
    ]);
  });

  it('refuses a Content-Length over maxBodyBytes at once, the body never sent', async () => {
    await expectContentLengthOverLimitRefusedAtOnce(runtime.ports[0]!);
  });

  it('answers a body slower than bodyTimeoutMs 408 in time, with a Content-Length and chunked', async () => {
    await expectBodyTimed(runtime.ports[0]!);
  });

  it('stays healthy and quiet after a client closes its socket mid-body', async () => {
    // Deno's notice about request.signal (next test) is its own, not onError's.
    await expectClientGoneMidBody(runtime.ports[0]!, over(runtime.ports[0]!), () => runtime.output().replace(legacyAbortNotice, ''));
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

  it('answers a header too long for it as docs/runtimes.md says: Deno hands over headers up to about 64 KiB, and refuses longer ones itself: 400', async () => {
    expect(await statusesForLongHeaders(runtime.ports[0]!)).toEqual([201, 400, 400]);
  });

  it('ends a window of the memory store on time', async () => {
    await expectWindowEnds(over(runtime.ports[0]!));
  });

  it('counts nothing for a caller gone while authorize ran: Deno aborts request.signal (docs/server-security.md)', async () => {
    expect(await callerGoneDuringAuthorize(runtime.ports[0]!, over(runtime.ports[0]!))).toBe('counted nothing');
  });

  it('prints its notice about request.signal once, when the limits read it (docs/runtimes.md), and none with --unstable-no-legacy-abort', async () => {
    const limited = { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer notice' }, body: '{}' };
    for (const _request of [1, 2]) await over(runtime.ports[0]!)('/timed', limited);
    expect(runtime.output().match(new RegExp(legacyAbortNotice, 'g'))).toHaveLength(1);
    const quiet = await startRuntime(runtimes.deno, ['run', '--unstable-no-legacy-abort', ...permissions, fixture('deno.ts')]);
    try {
      expect(await callerGoneDuringAuthorize(quiet.ports[0]!, over(quiet.ports[0]!))).toBe('counted nothing');
      expect(quiet.output()).not.toMatch(legacyAbortNotice);
    } finally {
      await quiet.stop();
    }
  });

  it('logs through the default onError, with the path, a request whose Host makes no URL (Deno hands over request.url as http://a b/…)', async () => {
    await expectDefaultOnErrorLogs(runtime.ports[0]!, ['a b'], runtime.output);
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

  it('hands a method in lower case to the handler as sent: 405 method_not_allowed (README, 405 row)', async () => {
    expect(await answerToALowerCaseMethod(runtime.ports[0]!)).toBe('HTTP/1.1 405 Method Not Allowed method_not_allowed');
  });

  it('passes a body sent as Transfer-Encoding: gzip, chunked on as it came, and the handler refuses it: 415 (docs/server-security.md)', async () => {
    expect(await answerToATransferCodedBody(runtime.ports[0]!)).toBe('HTTP/1.1 415 Unsupported Media Type unsupported_media_type');
  });

  it('runs docs/runtimes.md’s Deno sample as pasted, in an app that installed the package as the README says', async () => {
    await expectDocSampleServes('Deno', runtimes.deno);
  });

  it('leaves nothing that keeps the process busy: the handler in process settles, and the runtime exits at once', async () => {
    const { output, ms } = await runToExit(runtimes.deno, ['run', '--allow-read', '--no-prompt']);
    expect(output).toMatch(/statuses 201 408 408/);
    expect(ms).toBeLessThan(2_000);
  });
});
