import { TokenHandlerError } from './TokenHandlerError.js';

/**
 * Reads a request's JSON body, counting bytes as they arrive: a body over `maxBytes` is refused
 * as soon as it crosses the limit, with or without a (possibly false) `Content-Length`. An empty
 * body reads as `{}`.
 *
 * @throws {TokenHandlerError} `body_too_large` or `invalid_json`.
 * @example
 * ```ts
 * const body = await readJsonBody(request, 16_384);
 * ```
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const bytes = await readAtMost(request.body, maxBytes);
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

async function readAtMost(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
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
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
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
