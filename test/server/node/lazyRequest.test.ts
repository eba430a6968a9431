// @vitest-environment node
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { NodeRequestLike } from '../../../src/server/node/toNodeHandler';

// lazyRequest builds its prototype once per module load: each test loads the module afresh, so
// that what it checks is the prototype built in that test (under Stryker, with that test's mutant).
beforeEach(() => {
  vi.resetModules();
});
const lazyRequest = async (req: NodeRequestLike) => (await import('../../../src/server/node/lazyRequest')).lazyRequest(req);

/** A Node request as node:http parsed it. */
function nodeRequest(init: { method?: string; url?: string; headers: NodeRequestLike['headers'] }): NodeRequestLike {
  return Object.assign(new IncomingMessage(new Socket()), init);
}

const post = (headers: NodeRequestLike['headers'] = {}) =>
  nodeRequest({ method: 'POST', url: '/api/token?room=r', headers: { host: 'example.test:8080', ...headers } });

describe('lazyRequest: what it reads from the Node request', () => {
  it('is a Request: instanceof, and Request its constructor', async () => {
    const request = await lazyRequest(post());
    expect(request).toBeInstanceOf(Request);
    expect(request.constructor).toBe(Request);
  });

  it('has the Node request’s method, and GET when it has none', async () => {
    expect((await lazyRequest(post())).method).toBe('POST');
    expect((await lazyRequest(nodeRequest({ url: '/', headers: {} }))).method).toBe('GET');
  });

  it('has a URL made of Host and the path', async () => {
    expect((await lazyRequest(post())).url).toBe('http://example.test:8080/api/token?room=r');
  });

  it('takes a request without Host to be for localhost, and one without a URL to be for /', async () => {
    expect((await lazyRequest(nodeRequest({ method: 'GET', url: '/x', headers: {} }))).url).toBe('http://localhost/x');
    expect((await lazyRequest(nodeRequest({ method: 'GET', headers: { host: 'example.test' } }))).url).toBe('http://example.test/');
  });

  it('takes the host of an HTTP/2 request, which may have no Host, from :authority', async () => {
    const request = await lazyRequest(nodeRequest({ method: 'POST', url: '/api/token', headers: { ':authority': 'example.test:8443' } }));
    expect(request.url).toBe('http://example.test:8443/api/token');
  });

  it('takes a request whose Host makes no URL to be for its own path on http://localhost', async () => {
    expect((await lazyRequest(post({ host: 'not a host' }))).url).toBe('http://localhost/api/token?room=r');
  });

  it('has the headers, every value of a repeated one, and not those whose value is undefined', async () => {
    const request = await lazyRequest(post({ 'x-custom': 'yes', 'set-cookie': ['a=1', 'b=2'], 'x-unset': undefined }));
    expect(request.headers.get('x-custom')).toBe('yes');
    expect(request.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(request.headers.has('x-unset')).toBe(false);
  });

  it('leaves out HTTP/2 pseudo-headers (:method, :path, …), which are no headers', async () => {
    const request = await lazyRequest(post({ ':method': 'POST', ':path': '/api/token', ':authority': 'example.test', 'x-custom': 'yes' }));
    expect([...request.headers.keys()]).toEqual(['host', 'x-custom']);
  });

  it('has the same Headers on every read, as a Request does', async () => {
    const request = await lazyRequest(post());
    request.headers.set('x-added', '1');
    expect(request.headers).toBe(request.headers);
    expect(request.headers.get('x-added')).toBe('1');
  });

  it('reads method, URL and headers even for a method Fetch cannot build a Request with (TRACE)', async () => {
    const request = await lazyRequest(
      nodeRequest({ method: 'TRACE', url: '/x', headers: { host: 'example.test', origin: 'https://app.test' } }),
    );
    expect([request.method, request.url, request.headers.get('origin')]).toEqual(['TRACE', 'http://example.test/x', 'https://app.test']);
  });
});

describe('lazyRequest: every other member, from the real Request it then builds', () => {
  it('answers property reads (signal, bodyUsed, body)', async () => {
    const request = await lazyRequest(post());
    expect(request.signal).toBeInstanceOf(AbortSignal);
    expect(request.signal.aborted).toBe(false);
    expect(request.bodyUsed).toBe(false);
    expect(request.body).toBeNull();
  });

  it('answers method calls: clone() keeps the method, URL and headers; text() reads the (absent) body', async () => {
    const request = await lazyRequest(post({ 'x-custom': 'yes' }));
    const clone = request.clone();
    expect(clone).not.toBe(request);
    expect([clone.method, clone.url, clone.headers.get('x-custom')]).toEqual(['POST', 'http://example.test:8080/api/token?room=r', 'yes']);
    expect(await request.text()).toBe('');
  });
});
