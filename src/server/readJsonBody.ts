import { TokenHandlerError } from './TokenHandlerError.js';

/**
 * Reads a request's JSON body, counting bytes as they arrive: a body over `maxBytes` is refused
 * as soon as it crosses the limit, with or without a (possibly false) `Content-Length`, and a
 * body still arriving after `timeoutMs` is refused and let go. An empty body reads as `{}`.
 *
 * @throws {TokenHandlerError} `body_too_large`, `request_timeout` or `invalid_json`.
 * @example
 * ```ts
 * const body = await readJsonBody(request, 16_384, 10_000);
 * ```
 */
export async function readJsonBody(request: Request, maxBytes: number, timeoutMs: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const bytes = await readAtMost(request.body, maxBytes, timeoutMs);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
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

async function readAtMost(body: ReadableStream<Uint8Array> | null, maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  let timedOut = false;
  // Cancelling the reader ends a pending read() with `done`, so the loop below stops on time.
  const deadline = setTimeout(() => {
    timedOut = true;
    reader.cancel().catch(() => {});
  }, timeoutMs);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read().catch((error: unknown) => {
        if (error instanceof TokenHandlerError) throw error;
        throw new TokenHandlerError('invalid_json', 'The request body could not be read to its end.');
      });
      if (timedOut) throw new TokenHandlerError('request_timeout', `The request body did not arrive within ${timeoutMs} ms.`);
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(deadline);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(maxBytes: number): TokenHandlerError {
  return new TokenHandlerError('body_too_large', `The request body is larger than ${maxBytes} bytes.`);
}
