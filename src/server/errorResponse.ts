import type { TokenHandlerError } from './TokenHandlerError.js';

/**
 * The JSON response for a refusal: its status and `{ error: { code, message } }`, never cached;
 * `Retry-After` when the error carries one.
 *
 * @example
 * ```ts
 * return errorResponse(new TokenHandlerError('unauthorized', 'Sign in first.'));
 * ```
 */
export function errorResponse(error: TokenHandlerError, headers: Record<string, string> = {}): Response {
  return Response.json(
    { error: { code: error.code, message: error.message } },
    {
      status: error.status,
      headers: {
        'Cache-Control': 'no-store',
        ...(error.retryAfterSeconds !== undefined && { 'Retry-After': String(error.retryAfterSeconds) }),
        ...headers,
      },
    },
  );
}
