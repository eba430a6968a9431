import { shorten } from '../shorten.js';
import { TokenHandlerError } from '../TokenHandlerError.js';

/**
 * The refusal for a body sent with a `Content-Encoding` (gzip, deflate, br, …): 415
 * `unsupported_media_type`, as RFC 9110 §15.5.16 answers a coding the server does not read, before
 * any of it is read. The handler reads the bytes as they came: a compressed body would be a
 * misleading `invalid_json`, and a plain one labelled `gzip` would pass though whatever sits in front
 * of the handler reads it as gzip. Inflating it instead would let a 16 KiB bomb grow to gigabytes;
 * no browser or token source compresses a request body. A body-parser that inflated the body first
 * (`express.json()`) leaves it on `req.body`, which the Node adapter reads without asking this.
 * `identity` (no coding) and an empty value are not a coding.
 *
 * @example
 * ```ts
 * const refusal = encodedBodyRefusal(request.headers.get('content-encoding'));
 * if (refusal) throw refusal;
 * ```
 */
export function encodedBodyRefusal(contentEncoding: string | null | undefined): TokenHandlerError | undefined {
  if (!contentEncoding) return undefined;
  const codings = contentEncoding.split(',').map((coding) => coding.trim().toLowerCase());
  if (codings.every((coding) => coding === '' || coding === 'identity')) return undefined;
  return new TokenHandlerError(
    'unsupported_media_type',
    `Send the token request uncompressed: the body came with Content-Encoding: ${shorten(contentEncoding)}, which this endpoint does not read.`,
  );
}
