// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../../../src/server/request/parseJsonBody';
import { TokenHandlerError } from '../../../src/server/TokenHandlerError';
import { propertyRuns } from '../../helpers/propertyRuns';

/** Runs and seed of both properties (fast-check's 100, a random seed): raise or replay with `PARSE_JSON_BODY_PROPERTY_RUNS` / `PARSE_JSON_BODY_PROPERTY_SEED`. */
const RUNS = propertyRuns('PARSE_JSON_BODY_PROPERTY', 100);

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The error `parseJsonBody` throws for `bytes`. */
function refusal(bytes: Uint8Array): TokenHandlerError {
  try {
    parseJsonBody(bytes);
  } catch (error) {
    if (error instanceof TokenHandlerError) return error;
    throw error;
  }
  throw new Error('parseJsonBody did not throw');
}

describe('parseJsonBody', () => {
  it('reads any JSON value from its UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(parseJsonBody(utf8(text))).toEqual(JSON.parse(text));
      }),
      RUNS,
    );
  });

  it('reads an empty body as {}', () => {
    expect(parseJsonBody(new Uint8Array(0))).toEqual({});
  });

  it('reads a blank body (only whitespace) as {}', () => {
    expect(parseJsonBody(utf8(' \r\n\t '))).toEqual({});
  });

  it('reads a body as {} only when it is all JSON whitespace (space, tab, CR, LF); any other blank is not JSON', () => {
    // What String.prototype.trim removes and JSON.parse refuses: NBSP, the line and paragraph
    // separators, the other Unicode spaces, the vertical tab and form feed.
    const otherBlanks = ['\u00a0', '\u2028', '\u2029', '\u3000', '\u2003', '\v', '\f'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(' ', '\t', '\r', '\n', ...otherBlanks)), (chars) => {
        const body = utf8(chars.join(''));
        if (chars.every((char) => !otherBlanks.includes(char))) expect(parseJsonBody(body)).toEqual({});
        else expect(refusal(body).code).toBe('invalid_json');
      }),
      RUNS,
    );
    expect(refusal(utf8('\u00a0')).message).toMatch(/not valid JSON/);
    // A byte order mark opening the body is the encoding's signature, which the decoder drops; anywhere else it is text.
    expect(parseJsonBody(utf8('\ufeff \n'))).toEqual({});
    expect(refusal(utf8(' \ufeff')).code).toBe('invalid_json');
  });

  it('refuses text that is not JSON with invalid_json, saying so', () => {
    const error = refusal(utf8('{"room_name":'));
    expect(error.code).toBe('invalid_json');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('refuses bytes that are not UTF-8 with invalid_json naming UTF-8, rather than reading them with replacement characters', () => {
    const error = refusal(Uint8Array.of(0x22, 0xff, 0x22)); // a JSON string holding a byte UTF-8 has no use for
    expect(error.code).toBe('invalid_json');
    expect(error.message).toMatch(/UTF-8/);
  });
});
