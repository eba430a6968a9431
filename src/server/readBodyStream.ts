import { bodyTooLarge } from './bodyTooLarge.js';
import { TokenHandlerError } from './TokenHandlerError.js';

/**
 * Reads a Fetch body stream, counting bytes as they arrive: more than `maxBytes` is refused as
 * soon as it crosses the limit, whatever `Content-Length` claimed, and the rest is cancelled.
 *
 * @throws {TokenHandlerError} `body_too_large`, or `invalid_json` when the stream breaks.
 * @example
 * ```ts
 * const bytes = await readBodyStream(request.body, 16_384);
 * ```
 */
export async function readBodyStream(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(() => {
      throw new TokenHandlerError('invalid_json', 'The request body could not be read to its end.');
    });
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => {});
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return concat(chunks, total);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
