import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimes } from '../../scripts/runtimes.mjs';
import { afterARefusedBody, bundle, credentials, expectHeaderSentTwiceReads, expectServesTokens } from './harness';

interface MiniflareLike {
  dispatchFetch(url: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
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
});
