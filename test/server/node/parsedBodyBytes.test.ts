// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { parsedBodyBytes } from '../../../src/server/node/parsedBodyBytes';
import { TokenHandlerError } from '../../../src/server/TokenHandlerError';

/** A request a parser left `body` on, which declared `contentLength` bytes (none: sent in chunks). */
const req = (body: unknown, contentLength?: number) => ({
  body,
  headers: contentLength === undefined ? {} : { 'content-length': String(contentLength) },
});

const text = (bytes: Uint8Array | TokenHandlerError) => {
  if (bytes instanceof TokenHandlerError) throw bytes;
  return new TextDecoder().decode(bytes);
};

describe('parsedBodyBytes: a body a parser already read (req.body)', () => {
  it('writes a parsed object (express.json()) back as JSON', () => {
    expect(text(parsedBodyBytes(req({ room_name: 'standup', n: [1, 2] })))).toBe('{"room_name":"standup","n":[1,2]}');
  });

  it('takes a string (express.text()) as the body text itself, not as a JSON string', () => {
    expect(text(parsedBodyBytes(req('{"room_name":"café"}', 21)))).toBe('{"room_name":"café"}');
    expect(text(parsedBodyBytes(req('{"room_name":"café"}')))).toBe('{"room_name":"café"}'); // sent in chunks
  });

  it('takes a string as the body text when the body came compressed: its declared length is the compressed one', () => {
    const gzipped = { body: '{"room_name":"café"}', headers: { 'content-length': '40', 'content-encoding': 'gzip' } };
    expect(text(parsedBodyBytes(gzipped))).toBe('{"room_name":"café"}');
  });

  it('writes back as JSON a string of another length than the body declared: a JSON string express.json({ strict: false }) parsed', () => {
    expect(text(parsedBodyBytes(req('{"room_name":"café"}', 27)))).toBe('"{\\"room_name\\":\\"café\\"}"');
  });

  it('takes raw bytes (express.raw(), a Buffer) as they are', () => {
    const raw = Buffer.from('{"room_name":"r"}');
    expect(parsedBodyBytes(req(raw))).toBe(raw);
  });

  it.each([
    ['a BigInt', { n: 10n }],
    [
      'a cycle',
      (() => {
        const cycle: Record<string, unknown> = {};
        cycle.self = cycle;
        return cycle;
      })(),
    ],
  ])('returns invalid_json naming req.body for %s, which JSON cannot hold', (_, parsed) => {
    const error = parsedBodyBytes(req(parsed));
    expect(error).toBeInstanceOf(TokenHandlerError);
    expect((error as TokenHandlerError).code).toBe('invalid_json');
    expect((error as TokenHandlerError).message).toMatch(/req\.body/);
  });
});
