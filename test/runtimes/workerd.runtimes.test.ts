import { pathToFileURL } from 'node:url';
import { TokenVerifier } from 'livekit-server-sdk';
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
  type Send,
} from './harness';

interface MiniflareLike {
  dispatchFetch(url: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
  getSecretsStoreSecretAPI(bindingName: string): Promise<() => { create(value: string): Promise<string> }>;
  readonly ready: Promise<URL>;
}

describe('Cloudflare Workers (workerd, through Miniflare)', () => {
  let worker: MiniflareLike;
  let script: string;
  beforeAll(async () => {
    // What wrangler does: bundle with workerd's conditions (which include `browser`, after `workerd`).
    script = await bundle('worker.js', ['workerd', 'worker', 'browser'], 'esm');
    const { Miniflare } = (await import(pathToFileURL(runtimes.miniflare).href)) as { Miniflare: new (options: object) => MiniflareLike };
    // No nodejs_compat: no process.env and no node:crypto; the credentials are the Worker's bindings only.
    worker = new Miniflare({ modules: true, script, compatibilityDate: '2026-04-01', bindings: credentials, host: '127.0.0.1' });
  });
  afterAll(() => worker?.dispose());
  const dispatch: Send = (path, init) => worker.dispatchFetch(`http://127.0.0.1${path}`, init);

  it('serves tokens from `export default { fetch }`, with the secret from the env bindings', async () => {
    await expectServesTokens((path, init) => worker.dispatchFetch(`http://127.0.0.1${path}`, init));
  });

  it('reads a single-valued header sent twice as both lines joined, over workerd’s own HTTP socket (docs/runtimes.md)', async () => {
    await expectHeaderSentTwiceReads(Number((await worker.ready).port), 'both lines joined');
  });

  it('bundles the WebCrypto signer and nothing from Node', () => {
    expect(script).toContain('crypto.subtle.sign');
    expect(script).not.toContain('node:crypto');
    expect(script).not.toContain('must only run on a server');
  });

  it('closes the connection after refusing a body too large (docs/runtimes.md)', async () => {
    const port = Number((await worker.ready).port);
    expect([await afterARefusedBody(port, 'Content-Length'), await afterARefusedBody(port, 'chunked')]).toEqual(['closed', 'closed']);
  });

  it('closes the connection after a body that timed out (docs/runtimes.md)', async () => {
    const port = Number((await worker.ready).port);
    expect([await afterATimedOutBody(port, 'Content-Length'), await afterATimedOutBody(port, 'chunked')]).toEqual(['closed', 'closed']);
  });

  it('refuses a Content-Length over maxBodyBytes at once, the body never sent', async () => {
    await expectContentLengthOverLimitRefusedAtOnce(Number((await worker.ready).port));
  });

  it('answers a body slower than bodyTimeoutMs 408 in time, with a Content-Length and chunked', async () => {
    await expectBodyTimed(Number((await worker.ready).port));
  });

  it('stays healthy after a client closes its socket mid-body', async () => {
    const port = Number((await worker.ready).port);
    await expectClientGoneMidBody(port, over(port), async () => JSON.stringify(await reportedErrors(dispatch)));
  });

  it('answers every listed refusal, a throwing authorize and the memory limit (one isolate’s) as every runtime does', async () => {
    await expectSameAnswers(dispatch, dispatch);
  });

  it('refuses a body sent with Content-Encoding: gzip with 415, never inflating it (docs/server-security.md)', async () => {
    await expectEncodedBodyRefused(over(Number((await worker.ready).port)));
  });

  it('answers CORS preflights and cross-origin posts as every runtime does', async () => {
    await expectCorsAnswers(dispatch);
  });

  it('holds the memory limit (one isolate’s) under a burst of one caller’s requests', async () => {
    await expectLimitHeldUnderBurst(dispatch);
  });

  it('answers a header too long for it as docs/runtimes.md says: workerd hands over headers up to about 128 KiB, and refuses longer ones itself: 431', async () => {
    expect(await statusesForLongHeaders(Number((await worker.ready).port))).toEqual([201, 201, 431]);
  });

  it('ends a window of the memory store on time, though workerd runs no timer after an answer', async () => {
    await expectWindowEnds(dispatch);
  });

  it('tells onError what authorize threw, and of its authorizeTimeoutMs, once per request', async () => {
    await expectOnErrorTold(dispatch, dispatch);
  });

  it('reads credentials from env bindings passed per request; a malformed one is 500, named, never shown (docs/runtimes.md)', async () => {
    await expectBindingsPerRequest(dispatch, dispatch);
  });

  it('answers 500 to a Request whose body was read, or is held, before the handler, and tells onError why (docs/runtimes.md)', async () => {
    await expectBodyReadBeforeRefused(dispatch, dispatch);
  });

  it('refuses a method in lower case itself, before the handler: 501 (README, 405 row)', async () => {
    expect(await answerToALowerCaseMethod(Number((await worker.ready).port))).toBe('HTTP/1.1 501 Not Implemented');
  });

  it('refuses a body sent as Transfer-Encoding: gzip, chunked itself, before the handler: a bare 500 ("unknown transfer encoding", docs/server-security.md)', async () => {
    expect(await answerToATransferCodedBody(Number((await worker.ready).port))).toBe('HTTP/1.1 500 Internal Server Error');
  });

  it('without the LiveKit bindings, answers 500 internal_error and tells onError which is missing (README, Credentials)', async () => {
    const { Miniflare } = (await import(pathToFileURL(runtimes.miniflare).href)) as { Miniflare: new (options: object) => MiniflareLike };
    const unbound = new Miniflare({ modules: true, script, compatibilityDate: '2026-04-01', host: '127.0.0.1' });
    try {
      await expectMissingCredentialNamed((path, init) => unbound.dispatchFetch(`http://127.0.0.1${path}`, init));
    } finally {
      await unbound.dispose();
    }
  });

  it('reads the secret from a Secrets Store binding (its get()), beside the other bindings (docs/runtimes.md)', async () => {
    const { Miniflare } = (await import(pathToFileURL(runtimes.miniflare).href)) as { Miniflare: new (options: object) => MiniflareLike };
    const { LIVEKIT_API_SECRET, ...plain } = credentials;
    const stored = new Miniflare({
      modules: true,
      script,
      compatibilityDate: '2026-04-01',
      host: '127.0.0.1',
      bindings: plain,
      secretsStoreSecrets: { LIVEKIT_API_SECRET: { store_id: 'livekit', secret_name: 'api-secret' } },
    });
    try {
      await (await stored.getSecretsStoreSecretAPI('LIVEKIT_API_SECRET'))().create(LIVEKIT_API_SECRET);
      const response = await stored.dispatchFetch('http://127.0.0.1/api/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
        body: JSON.stringify({ room_name: 'standup' }),
      });
      const answer = (await response.json()) as { participant_token?: string };
      expect([response.status, answer]).toEqual([201, { server_url: credentials.LIVEKIT_URL, participant_token: expect.any(String) }]);
      const claims = await new TokenVerifier(credentials.LIVEKIT_API_KEY, LIVEKIT_API_SECRET).verify(answer.participant_token!);
      expect(claims).toMatchObject({ iss: credentials.LIVEKIT_API_KEY, sub: 'alice', video: { room: 'standup' } });
    } finally {
      await stored.dispose();
    }
  });

  it('counts a caller gone while authorize ran: request.signal is not aborted (docs/server-security.md)', async () => {
    const port = Number((await worker.ready).port);
    expect(await callerGoneDuringAuthorize(port, over(port))).toBe('counted');
  });
});
