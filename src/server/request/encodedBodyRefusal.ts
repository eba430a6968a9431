import { shorten } from '../shorten.js';
import { TokenHandlerError } from '../TokenHandlerError.js';

/**
 * The headers that can say a body came compressed, each with the codings that leave its bytes as
 * sent: none but `identity` for `Content-Encoding`; `chunked` too for `Transfer-Encoding`, the
 * framing the server has undone (`gzip, chunked` is a gzip body, which Node's parser, Deno and
 * Vercel's `edge-runtime` pass on as it came; Bun and workerd refuse it themselves).
 */
const PLAIN_CODINGS: readonly (readonly [string, readonly string[]])[] = [
  ['Content-Encoding', ['', 'identity']],
  ['Transfer-Encoding', ['', 'identity', 'chunked']],
];

/**
 * The refusal for a body sent compressed (gzip, deflate, br, …): 415 `unsupported_media_type`, as
 * RFC 9110 §15.5.16 answers a coding the server does not read, before any of the body is read. The
 * handler reads the bytes as they came: a compressed body would be a misleading `invalid_json`, and
 * a plain one labelled `gzip` would pass though whatever sits in front of the handler reads it as
 * gzip. Inflating it instead would let a 16 KiB bomb grow to gigabytes; no browser or token source
 * compresses a request body. A body-parser that inflated the body first (`express.json()`) leaves it
 * on `req.body`, which the Node adapter reads without asking this.
 *
 * @example
 * ```ts
 * const refusal = encodedBodyRefusal((name) => request.headers.get(name));
 * if (refusal) throw refusal;
 * ```
 */
export function encodedBodyRefusal(header: (name: string) => string | null | undefined): TokenHandlerError | undefined {
  for (const [name, plain] of PLAIN_CODINGS) {
    const value = header(name.toLowerCase());
    if (value?.split(',').some((coding) => !plain.includes(coding.trim().toLowerCase()))) {
      return new TokenHandlerError(
        'unsupported_media_type',
        `Send the token request uncompressed: the body came with ${name}: ${shorten(value)}, which this endpoint does not read.`,
      );
    }
  }
  return undefined;
}
