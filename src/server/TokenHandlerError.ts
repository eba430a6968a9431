/**
 * The `code` of every error body the token handler sends (`{ error: { code, message } }`),
 * each with one HTTP status.
 *
 * @example
 * ```ts
 * const code = (await response.json()).error.code as TokenHandlerErrorCode;
 * if (code === 'agent_not_allowed') showUpgradePrompt();
 * ```
 */
export type TokenHandlerErrorCode =
  /** 400: the body is larger than `maxBodyBytes`. */
  | 'body_too_large'
  /** 400: the body is not valid UTF-8 JSON (an empty body, or JSON whitespace only, reads as `{}`). */
  | 'invalid_json'
  /** 400: the JSON is not a token request (wrong types, over LiveKit's limits, a string with a lone surrogate). */
  | 'invalid_body'
  /** 401: `authorize` refused the caller. */
  | 'unauthorized'
  /** 403: the caller is known but may not have this token. */
  | 'forbidden'
  /** 403: the caller asked for an identity other than its own and `authorize` did not allow it. */
  | 'identity_not_allowed'
  /** 403: the room policy refused the requested room. */
  | 'room_not_allowed'
  /** 403: the agent policy refused a requested agent. */
  | 'agent_not_allowed'
  /** 403: the body set a participant attribute under LiveKit's reserved `lk.` prefix that `authorize` did not return. */
  | 'attribute_not_allowed'
  /** 405: a method other than `POST` (or `OPTIONS` with CORS). */
  | 'method_not_allowed'
  /** 408: the body did not arrive within `bodyTimeoutMs`. */
  | 'request_timeout'
  /** 415: the request's `Content-Type` is not JSON, or its body came compressed (a `Content-Encoding`, or a `Transfer-Encoding` coding before `chunked`), which is never inflated. */
  | 'unsupported_media_type'
  /** 429: the caller is over one of its `limits`; `Retry-After` says when to ask again. */
  | 'rate_limited'
  /** 500: something unexpected failed on the server; details go to `onError` only. */
  | 'internal_error'
  /** 503: `authorize`, a policy or the limits function did not settle within `authorizeTimeoutMs`; `Retry-After: 2`. */
  | 'authorize_timeout'
  /** 503: the limit store (Redis) failed and `onLimitStoreError` is `'deny'`; `Retry-After: 2`. */
  | 'limits_unavailable';

const STATUS_BY_CODE: Readonly<Record<TokenHandlerErrorCode, number>> = {
  body_too_large: 400,
  invalid_json: 400,
  invalid_body: 400,
  unauthorized: 401,
  forbidden: 403,
  identity_not_allowed: 403,
  room_not_allowed: 403,
  agent_not_allowed: 403,
  attribute_not_allowed: 403,
  method_not_allowed: 405,
  request_timeout: 408,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  authorize_timeout: 503,
  limits_unavailable: 503,
};

/**
 * The `Retry-After` of the 503s the handler answers itself (`authorize_timeout`, `limits_unavailable`):
 * a short wait, so that clients pace their retries instead of asking again at once while a store
 * or the app's session lookup is down. An ioredis client tries to reconnect at least every 2 s
 * (its default `retryStrategy`), so a request asked again then finds Redis back if it is.
 */
export const RETRY_SHORTLY_SECONDS = 2;

/**
 * A refusal with a status. Throw it from `authorize` or a policy to answer with that status
 * and message; the handler throws it internally for every other failure. Its `message` is
 * sent to the client, so never put a secret in it — but for `internal_error`'s, which goes to
 * `onError` only (the client reads "The token could not be issued.").
 *
 * @example
 * ```ts
 * const POST = createTokenHandler({
 *   authorize: async (request) => {
 *     const user = await getUser(request);
 *     if (!user) return null; // 401
 *     if (!user.paid) throw new TokenHandlerError('forbidden', 'Calls are for paying members.'); // 403
 *     return { identity: user.id, name: user.name };
 *   },
 * });
 * ```
 */
export class TokenHandlerError extends Error {
  /** Always `'TokenHandlerError'`. */
  override readonly name = 'TokenHandlerError';
  /** What kind of refusal this is, sent as the body's `error.code`. */
  readonly code: TokenHandlerErrorCode;
  /** The HTTP status sent for {@link TokenHandlerError.code}. */
  readonly status: number;
  /**
   * Sent as the `Retry-After` header in whole seconds, rounded up (`2.5` → `3`), when set to a
   * finite number: from 0 to 2^31 (RFC 9111's largest delta-seconds, about 68 years), in digits.
   * @defaultValue undefined
   */
  readonly retryAfterSeconds?: number;

  constructor(code: TokenHandlerErrorCode, message: string, options?: { cause?: unknown; retryAfterSeconds?: number | undefined }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    // A code that is not one (a typo in plain JS) is a bug, answered 500 (see `isRefusal`).
    this.status = isTokenHandlerErrorCode(code) ? STATUS_BY_CODE[code] : 500;
    if (options?.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * Whether `error` is a refusal the handler sends as it is: a `TokenHandlerError` with one of its
 * codes. Anything else — a `TokenHandlerError` with a code that is not one included — is
 * unexpected: reported to `onError` and answered 500 `internal_error`.
 *
 * @example
 * ```ts
 * isRefusal(new TokenHandlerError('forbidden', 'Members only.')); // true
 * ```
 */
export function isRefusal(error: unknown): error is TokenHandlerError {
  return error instanceof TokenHandlerError && isTokenHandlerErrorCode(error.code);
}

function isTokenHandlerErrorCode(code: string): code is TokenHandlerErrorCode {
  return Object.hasOwn(STATUS_BY_CODE, code);
}
