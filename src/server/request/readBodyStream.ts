import { concatBytes } from './concatBytes.js';
import { noop } from '../../core/noop.js';
import { bodyTooLarge } from './bodyTooLarge.js';
import { BodyReadBeforeError } from './BodyReadBeforeError.js';
import { TokenHandlerError } from '../TokenHandlerError.js';

/**
 * Reads a Fetch body (from its stream's reader), counting bytes as they arrive: more than `maxBytes` is refused as
 * soon as it crosses the limit, whatever `Content-Length` claimed, and the rest is cancelled.
 * `onEnd` is called once the stream has ended (read to its end, or cancelled by the caller).
 *
 * @throws {TokenHandlerError} `body_too_large`, or `invalid_json` when the stream breaks; a
 *   {@link BodyReadBeforeError} from the stream as it is.
 * @example
 * ```ts
 * const bytes = await readBodyStream(request.body?.getReader(), 16_384);
 * ```
 */
export async function readBodyStream(
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined,
  maxBytes: number,
  onEnd: () => void = noop,
): Promise<Uint8Array> {
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read().catch((error: unknown) => {
      // A body read before the handler ran is the server's set-up, not the caller's: a 500 for onError.
      if (error instanceof BodyReadBeforeError) throw error;
      throw new TokenHandlerError('invalid_json', 'The request body could not be read to its end.');
    });
    if (done) {
      onEnd();
      break;
    }
    total += value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => {});
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return concatBytes(chunks, total);
}
