import { TokenHandlerError } from '../TokenHandlerError.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Nothing but JSON's own whitespace (RFC 8259 §2): what `JSON.parse` skips. `trim()` also drops NBSP, U+2028 and the like, which it refuses. */
const JSON_BLANK = /^[ \t\r\n]*$/;

/**
 * A body's bytes as JSON: strict UTF-8, and an empty body — or one of JSON whitespace only (space,
 * tab, CR, LF) — reads as `{}`; any other text JSON refuses is `invalid_json`, blank or not
 * (`"\u00a0"`). A byte order mark opening the body is dropped as UTF-8's signature.
 *
 * @throws {TokenHandlerError} `invalid_json`.
 * @example
 * ```ts
 * const body = parseJsonBody(await readBodyStream(request.body?.getReader(), 16_384));
 * ```
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new TokenHandlerError('invalid_json', 'The request body is not valid UTF-8.');
  }
  if (JSON_BLANK.test(text)) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new TokenHandlerError('invalid_json', 'The request body is not valid JSON.');
  }
}
