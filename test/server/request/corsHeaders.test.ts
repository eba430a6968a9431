// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { corsHeaders } from '../../../src/server/request/corsHeaders';

/** A request from `origin` (none when undefined), with the preflight's requested headers when given. */
function from(origin: string | undefined, requestedHeaders?: string): Request {
  const headers: Record<string, string> = {};
  if (origin !== undefined) headers.Origin = origin;
  if (requestedHeaders !== undefined) headers['Access-Control-Request-Headers'] = requestedHeaders;
  return new Request('http://127.0.0.1/api/token', { method: 'POST', headers });
}

describe('corsHeaders: which origins get headers', () => {
  it('answers an allowed origin’s request with that origin, Vary: Origin, and Retry-After exposed', () => {
    expect(corsHeaders({ origin: ['https://app.example'] }, from('https://app.example'), false)).toEqual({
      Vary: 'Origin',
      'Access-Control-Allow-Origin': 'https://app.example',
      'Access-Control-Expose-Headers': 'Retry-After',
    });
  });

  it('sends no CORS header to a request without an Origin header (same-origin or not from a browser)', () => {
    expect(corsHeaders({ origin: '*' }, from(undefined), false)).toEqual({});
    expect(corsHeaders({ origin: '*' }, from(undefined), true)).toEqual({});
    expect(corsHeaders({ origin: () => true }, from(undefined), false)).toEqual({ Vary: 'Origin' });
  });

  it('says Vary: Origin on every answer when the answer depends on the origin (any setting but *), so no cache hands one origin’s answer to another', () => {
    for (const origin of ['https://app.example', ['https://app.example'], () => false]) {
      expect(corsHeaders({ origin }, from('https://evil.example'), false)).toEqual({ Vary: 'Origin' });
      expect(corsHeaders({ origin }, from('https://evil.example', 'content-type'), true)).toEqual({ Vary: 'Origin' });
      expect(corsHeaders({ origin }, from(undefined), false)).toEqual({ Vary: 'Origin' });
    }
    expect(corsHeaders({ origin: '*' }, from('https://anyone.example'), false)).not.toHaveProperty('Vary');
  });

  it('allows exactly the one origin configured as a string', () => {
    const cors = { origin: 'https://app.example' };
    expect(corsHeaders(cors, from('https://app.example'), false)['Access-Control-Allow-Origin']).toBe('https://app.example');
    for (const origin of ['https://evil.example', 'https://app.example.evil.example', 'http://app.example', 'null']) {
      expect(corsHeaders(cors, from(origin), false)).toEqual({ Vary: 'Origin' });
    }
  });

  it('allows the origins of a list and no other', () => {
    const cors = { origin: ['https://app.example', 'https://admin.example'] };
    expect(corsHeaders(cors, from('https://admin.example'), false)['Access-Control-Allow-Origin']).toBe('https://admin.example');
    expect(corsHeaders(cors, from('https://other.example'), false)).toEqual({ Vary: 'Origin' });
  });

  it('answers origin * with a literal *, whatever the origin', () => {
    expect(corsHeaders({ origin: '*' }, from('https://anyone.example'), false)['Access-Control-Allow-Origin']).toBe('*');
  });

  it('allows an origin only when the function returns exactly true', () => {
    const origin = (value: string) => (value === 'https://app.example' ? true : (1 as unknown as boolean));
    expect(corsHeaders({ origin }, from('https://app.example'), false)['Access-Control-Allow-Origin']).toBe('https://app.example');
    expect(corsHeaders({ origin }, from('https://evil.example'), false)).toEqual({ Vary: 'Origin' });
  });

  it('sends Access-Control-Allow-Credentials only when credentials is set', () => {
    const withCredentials = corsHeaders({ origin: ['https://app.example'], credentials: true }, from('https://app.example'), false);
    expect(withCredentials['Access-Control-Allow-Credentials']).toBe('true');
    const without = corsHeaders({ origin: ['https://app.example'], credentials: false }, from('https://app.example'), false);
    expect(without).not.toHaveProperty('Access-Control-Allow-Credentials');
  });
});

describe('corsHeaders: preflights', () => {
  it('answers a preflight with the methods, the requested headers and a 600 s max age, and nothing for a response', () => {
    expect(corsHeaders({ origin: ['https://app.example'] }, from('https://app.example', 'authorization, content-type'), true)).toEqual({
      Vary: 'Origin',
      'Access-Control-Allow-Origin': 'https://app.example',
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': 'authorization, content-type',
      'Access-Control-Max-Age': '600',
    });
  });

  it('allows no header when the preflight asks for none', () => {
    expect(corsHeaders({ origin: '*' }, from('https://app.example'), true)).not.toHaveProperty('Access-Control-Allow-Headers');
  });

  it('uses maxAgeSeconds, 0 included', () => {
    expect(corsHeaders({ origin: '*', maxAgeSeconds: 30 }, from('https://app.example'), true)['Access-Control-Max-Age']).toBe('30');
    expect(corsHeaders({ origin: '*', maxAgeSeconds: 0 }, from('https://app.example'), true)['Access-Control-Max-Age']).toBe('0');
  });

  it('allows nothing to a preflight from an origin that is not allowed', () => {
    expect(corsHeaders({ origin: ['https://app.example'] }, from('https://evil.example', 'content-type'), true)).toEqual({
      Vary: 'Origin',
    });
  });
});
