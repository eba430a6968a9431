import { bodyTooLarge } from './request/bodyTooLarge.js';
import { corsHeaders } from './request/corsHeaders.js';
import { isJsonContentType } from './request/isJsonContentType.js';
import { mintToken } from './token/mintToken.js';
import { parseJsonBody } from './request/parseJsonBody.js';
import { planToken } from './token/planToken.js';
import { readSecretsStore, resolveCredentials } from './config/resolveCredentials.js';
import { shorten } from './shorten.js';
import type { ResolvedTokenHandlerConfig } from './config/resolveTokenHandlerConfig.js';
import { isRefusal, TokenHandlerError } from './TokenHandlerError.js';
import { tokenRequestSchema } from './request/tokenRequestSchema.js';
import { withTimeout } from './withTimeout.js';

/**
 * One request as the pipeline reads it, whatever server it came from: the Fetch handler wraps
 * a `Request`; `toNodeHandler` wraps Node's request without building one unless `authorize`,
 * a policy or `onError` reads it.
 *
 * @example
 * ```ts
 * const input: TokenRequestInput = { method: request.method, header: (name) => request.headers.get(name), readBody, request: () => request };
 * ```
 */
export interface TokenRequestInput {
  readonly method: string;
  /** A request header by its lower-case name, or `null`. */
  header(name: string): string | null;
  /**
   * Starts reading the body: its bytes, refused (`body_too_large`) as soon as more than
   * `maxBytes` arrive, or before any is read when it came compressed (`encodedBodyRefusal`);
   * `stop()` lets go of the rest (after the deadline).
   */
  readBody(maxBytes: number): BodyRead;
  /** The request as a Fetch `Request`, for `authorize`, the policies and `onError`. */
  request(): Request;
  /** The handler's second argument: a Worker's env bindings, read for credentials not passed in, or anything else. */
  readonly env?: unknown;
}

/**
 * A body being read, and how to stop reading it.
 *
 * @example
 * ```ts
 * const read: BodyRead = { bytes: readBodyStream(reader, 16_384), stop: () => reader.cancel() };
 * ```
 */
export interface BodyRead {
  bytes: Promise<Uint8Array>;
  stop(): void;
}

/**
 * What to answer: a status, headers and a JSON text (or no body).
 *
 * @example
 * ```ts
 * const { status, headers, body }: TokenHandlerReply = await handleTokenRequest(input, config);
 * ```
 */
export interface TokenHandlerReply {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/**
 * The token endpoint, once for every runtime: method and CORS, media type, the bounded body,
 * the schema, `authorize` and the policies, the credentials and the signature. Every refusal
 * becomes a JSON error reply; anything unexpected — and an `internal_error` thrown on purpose — is
 * reported to `onError` and answered 500 `internal_error` without details. Never rejects.
 *
 * @example
 * ```ts
 * const reply = await handleTokenRequest(input, resolveTokenHandlerConfig(config));
 * return new Response(reply.body, reply);
 * ```
 */
export async function handleTokenRequest(input: TokenRequestInput, config: ResolvedTokenHandlerConfig): Promise<TokenHandlerReply> {
  let cors: Record<string, string> = {};
  try {
    if (config.cors) cors = corsHeaders(config.cors, input.request(), input.method === 'OPTIONS');
    if (input.method === 'OPTIONS' && config.cors) return { status: 204, headers: cors, body: null };
    if (input.method !== 'POST') {
      const allow = config.cors ? 'POST, OPTIONS' : 'POST';
      return errorReply(new TokenHandlerError('method_not_allowed', `Use POST (allowed: ${allow}).`), { ...cors, Allow: allow });
    }
    return await issueToken(input, config, cors);
  } catch (error) {
    const refusal = isRefusal(error) ? error : undefined;
    // A refusal with a cause (authorize threw, the limit store failed) is reported with that cause;
    // one of the server's own (a 5xx: authorize timed out) with itself. The caller's mistakes are not.
    if (!refusal) report(config, error, input);
    else if (refusal.cause !== undefined || refusal.status >= 500) report(config, refusal.cause ?? refusal, input);
    // A refusal is answered as it was made, but for a 500's words, which are `onError`'s only: an
    // `internal_error` the app's own code throws may say what failed underneath.
    if (refusal && refusal.code !== 'internal_error') return errorReply(refusal, cors);
    const unexplained = new TokenHandlerError('internal_error', 'The token could not be issued.', {
      retryAfterSeconds: refusal?.retryAfterSeconds,
    });
    return errorReply(unexplained, cors);
  }
}

async function issueToken(
  input: TokenRequestInput,
  config: ResolvedTokenHandlerConfig,
  cors: Record<string, string>,
): Promise<TokenHandlerReply> {
  if (!isJsonContentType(input.header('content-type'))) {
    throw new TokenHandlerError('unsupported_media_type', 'Send the token request as JSON (Content-Type: application/json).');
  }
  if (Number(input.header('content-length') ?? 0) > config.maxBodyBytes) throw bodyTooLarge(config.maxBodyBytes);
  const parsed = tokenRequestSchema.safeParse(
    parseJsonBody(await readBodyWithin(input.readBody(config.maxBodyBytes), config.bodyTimeoutMs)),
  );
  if (!parsed.success) {
    // Each part of the path shortened: a field name is the client's own text, as long as the body allows.
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.map((part) => shorten(String(part))).join('.') || 'body'}: ${issue.message}`);
    throw new TokenHandlerError('invalid_body', `The token request is invalid — ${issues.join('; ')}.`);
  }
  // Awaited only when there is something to read: a Secrets Store binding.
  const env = readSecretsStore(input.env);
  const { apiKey, apiSecret, serverUrl } = resolveCredentials(config, env instanceof Promise ? await env : env);
  // One object for the join check (which reads the key and the ttl) and the signature.
  const credentials = { apiKey, apiSecret, ttlSeconds: config.ttl };
  const plan = await planToken(input.request(), parsed.data, config, credentials);
  const participantToken = await mintToken(plan, credentials);
  return {
    status: 201,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...cors },
    // A JWT is base64url and dots, with nothing to escape: only the URL goes through JSON.stringify
    // (stringifying the whole reply costs about 1 µs more per token on Node 20).
    body: `{"server_url":${JSON.stringify(serverUrl)},"participant_token":"${participantToken}"}`,
  };
}

/** The body, or `request_timeout` (and the rest let go) when it is still arriving after `timeoutMs`. */
function readBodyWithin(read: BodyRead, timeoutMs: number): Promise<Uint8Array> {
  return withTimeout(read.bytes, timeoutMs, () => {
    read.stop();
    return new TokenHandlerError('request_timeout', `The request body did not arrive within ${timeoutMs} ms.`);
  });
}

/**
 * The reply for a refusal: its status and `{ error: { code, message } }`, never cached;
 * `Retry-After` when the error carries one, `Accept-Encoding: identity` with a 415.
 *
 * @example
 * ```ts
 * return errorReply(new TokenHandlerError('unauthorized', 'Sign in first.'));
 * ```
 */
export function errorReply(error: TokenHandlerError, headers: Record<string, string> = {}): TokenHandlerReply {
  return {
    status: error.status,
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      ...(Number.isFinite(error.retryAfterSeconds) && { 'Retry-After': delaySeconds(error.retryAfterSeconds!) }),
      // RFC 7694 §3: a 415 says which content codings the server reads, here none but identity (see encodedBodyRefusal).
      ...(error.status === 415 && { 'Accept-Encoding': 'identity' }),
      ...headers,
    },
    body: JSON.stringify({ error: { code: error.code, message: error.message } }),
  };
}

/** RFC 9111's largest delta-seconds (§1.2.2), about 68 years: a longer wait is read as this one anyway. */
const MOST_DELAY_SECONDS = 2 ** 31;

/**
 * `seconds` as RFC 9110's delay-seconds, the only number a client reads ("2.5" and "1e+21" are
 * ignored): whole seconds, rounded up, from 0 to {@link MOST_DELAY_SECONDS}, written in digits.
 */
function delaySeconds(seconds: number): string {
  return String(Math.min(Math.max(0, Math.ceil(seconds)), MOST_DELAY_SECONDS));
}

/** Reports to `onError`, which never throws (resolveTokenHandlerConfig made it quiet). */
function report(config: ResolvedTokenHandlerConfig, error: unknown, input: TokenRequestInput): void {
  config.onError(error, input.request());
}
