// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { nodeRequestUrl } from '../../../src/server/node/nodeRequestUrl';

describe('nodeRequestUrl: a Node request’s absolute URL', () => {
  it.each([
    ['a path on the Host', { url: '/api/token?x=1', headers: { host: 'app.example' } }, 'http://app.example/api/token?x=1'],
    [
      'a path that starts with //, still on the Host',
      { url: '//evil.example/api/token', headers: { host: 'app.example' } },
      'http://app.example//evil.example/api/token',
    ],
    [
      'the absolute form a proxy sends',
      { url: 'http://app.example:8080/api/token', headers: { host: 'other.example' } },
      'http://app.example:8080/api/token',
    ],
    [
      'HTTP/2’s :authority when there is no Host',
      { url: '/api/token', headers: { ':authority': 'app.example:8443' } },
      'http://app.example:8443/api/token',
    ],
    ['localhost without a Host', { url: '/api/token', headers: {} }, 'http://localhost/api/token'],
    [
      'https for a request over TLS (a TLSSocket is encrypted)',
      { url: '/api/token', headers: { host: 'app.example' }, socket: { encrypted: true } },
      'https://app.example/api/token',
    ],
    ['http for a plain socket', { url: '/api/token', headers: { host: 'app.example' }, socket: {} }, 'http://app.example/api/token'],
    ['the root without a URL', { headers: { host: 'app.example' } }, 'http://app.example/'],
    ['the path on localhost for a Host that is not one', { url: '/api/token', headers: { host: 'a b' } }, 'http://localhost/api/token'],
    // `http:///api/token` would be the host `api` and the path `/token`.
    ['the path on localhost for an empty Host', { url: '/api/token', headers: { host: '' } }, 'http://localhost/api/token'],
    [
      'the path on localhost for a Host holding a path and a query, which would move the target',
      { url: '/api/token', headers: { host: 'app.example/admin?' } },
      'http://localhost/api/token',
    ],
    [
      'the path on localhost for a Host holding a fragment',
      { url: '/api/token', headers: { host: 'app.example#' } },
      'http://localhost/api/token',
    ],
    [
      'the path on localhost for a Host holding a backslash (a slash to URL)',
      { url: '/api/token', headers: { host: 'app.example\\admin?' } },
      'http://localhost/api/token',
    ],
    [
      'the absolute form, whatever the Host holds',
      { url: 'http://app.example/api/token', headers: { host: 'other.example/admin?' } },
      'http://app.example/api/token',
    ],
    [
      'the path on localhost for an :authority holding a path',
      { url: '/api/token', headers: { ':authority': 'app.example/admin?' } },
      'http://localhost/api/token',
    ],
  ])('%s', (_, req, expected) => {
    expect(nodeRequestUrl(req)).toBe(expected);
  });
});
