import { TokenHandlerError } from '../TokenHandlerError.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A body's bytes as JSON: strict UTF-8, and an empty (or blank) body reads as `{}`.
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
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new TokenHandlerError('invalid_json', 'The request body is not valid JSON.');
  }
}
