import { CustomTokenError } from './errors.js';
import { htmlWords, oneLine } from './excerpt.js';
import { fits } from './livekitLimits.js';
import { messageOf } from './messageOf.js';
import { noop } from './noop.js';
import type { TokenGenerator, TokenGeneratorContext, TokenRequest, TokenResponse } from './types.js';

/**
 * Options of {@link createEndpointGenerator}.
 *
 * @example
 * ```ts
 * import { createEndpointGenerator, type EndpointGeneratorOptions } from 'livekit-custom-token-react';
 *
 * const options: EndpointGeneratorOptions = {
 *   headers: () => ({ Authorization: `Bearer ${sessionStorage.getItem('id-token') ?? ''}` }),
 *   credentials: 'include',
 * };
 * export const generator = createEndpointGenerator('https://auth.example.com/api/token', options);
 * ```
 */
export interface EndpointGeneratorOptions {
  /**
   * Extra request headers, or a (possibly async) function returning them, called before every
   * attempt — so a short-lived auth token is read fresh each time. Headers `fetch` refuses (a
   * newline in a value, say) fail at once as `generator_failed`, not retried; what the function
   * throws counts as the generator's own failure (a network failure of its own `fetch` is retried).
   * @defaultValue none (`Content-Type: application/json` is always sent)
   */
  headers?: HeadersInit | ((request: TokenRequest, context: TokenGeneratorContext) => HeadersInit | Promise<HeadersInit>) | undefined;
  /**
   * The `fetch` to use (a wrapped one, or one with cookies handled). Redirects are followed as it
   * follows them: to another origin, headers other than `Authorization` and cookies go along. To
   * refuse redirects, pass `(input, init) => fetch(input, { ...init, redirect: 'error' })`.
   * @defaultValue `globalThis.fetch`
   */
  fetch?: typeof fetch | undefined;
  /** Sent as the request's `credentials`. @defaultValue the `fetch` default (`'same-origin'`) */
  credentials?: RequestCredentials | undefined;
}

/**
 * A token generator for LiveKit's standard token endpoint (such as `createTokenHandler` from
 * `livekit-custom-token-react/server`): it POSTs the request in snake_case, the packaged agent
 * dispatch as `room_config`, and reads `{ server_url, participant_token }` (camelCase too); a
 * body longer than LiveKit's server reads of a join (1 MiB + 4 KiB: a token in it could never
 * join) is refused as `invalid_response` (the rest left unread), not retried.
 * Any status but 200 or 201 rejects with a `CustomTokenError` of code `http` carrying `status`, the
 * server's error `code` as `serverCode` and, on a 429 or 503, its `Retry-After` as `retryAfterMs`
 * (ignored on other statuses), so the token source retries 5xx, 429 and 408 (never before
 * `Retry-After`; not at all when that is longer than `maxRetryDelayMs`) and stops at once on other 4xx.
 * Timeouts come from the token source (`timeoutMs`), through the `AbortSignal`. A `url` that
 * `fetch` refuses — one that does not parse, or with a user name or password in it (send those in
 * `headers`) — throws a `generator_failed` `CustomTokenError` (not retryable) here, at once.
 *
 * @example
 * ```ts
 * import { createCustomTokenSource, createEndpointGenerator } from 'livekit-custom-token-react';
 *
 * // The app's sign-in state: a short-lived ID token, renewed elsewhere.
 * const readIdToken = async () => sessionStorage.getItem('id-token') ?? '';
 *
 * const generator = createEndpointGenerator('/api/token', {
 *   headers: async () => ({ Authorization: `Bearer ${await readIdToken()}` }),
 * });
 * export const source = createCustomTokenSource(generator);
 * ```
 */
export function createEndpointGenerator(url: string | URL, options: EndpointGeneratorOptions = {}): TokenGenerator {
  checkUrl(url);
  return async (request, context) => {
    const extra = typeof options.headers === 'function' ? await options.headers(request, context) : options.headers;
    const headers = toHeaders(url, extra);
    const doFetch = options.fetch ?? globalThis.fetch;
    const onNetworkFailure = networkFailure(url, context.signal);
    const response = await doFetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(toEndpointBody(request)),
      signal: context.signal,
      ...(options.credentials && { credentials: options.credentials }),
    }).catch(onNetworkFailure);
    if (response.status !== 200 && response.status !== 201) {
      const text = await readErrorBody(response);
      // Aborted while the body came (its read failed, or it ended meanwhile): an abort, as at any other moment.
      context.signal.throwIfAborted();
      throw httpError(url, response, text);
    }
    // A body cut off on its way is a network failure (its read rejects with a TypeError), retried as one.
    const text = await readText(response, MAX_BODY_BYTES).catch(onNetworkFailure);
    if (text === undefined) {
      throw new CustomTokenError(
        'invalid_response',
        `The token endpoint ${String(url)} answered with a body larger than ${MAX_BODY_BYTES} bytes, more than LiveKit's server reads of a join: no token in it could join.`,
      );
    }
    return toTokenResponse(url, response, text);
  };
}

/**
 * Throws at once for a URL `fetch` refuses (one that does not parse, or with a user name or
 * password in it): its `TypeError` would read as a network failure, retried for nothing. A
 * relative URL parses against one http base as against any page's, so no location is read (server
 * rendering has none). The credentials are not repeated in the message.
 */
function checkUrl(url: string | URL): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url, 'http://localhost');
  } catch {
    // Not a URL: said below.
  }
  if (!parsed || parsed.username || parsed.password) {
    throw new CustomTokenError(
      'generator_failed',
      `The token endpoint URL ${parsed ? 'has a user name or password in it: send them in headers' : `${String(url)} is not a valid URL`}.`,
      { retryable: false },
    );
  }
}

/**
 * What `fetch` rejects with, or a token answer's body fails with, once the request's URL and
 * headers were checked: a `TypeError` is the network's, retried, in whatever words the browser
 * gives it — not all of them ones the token source knows for a network's (Safari before 17: "Could
 * not connect to the server."; Firefox, for a body cut off: "Error in body stream"). An abort
 * stays an abort, and anything else what it is.
 */
function networkFailure(url: string | URL, signal: AbortSignal): (cause: unknown) => never {
  return (cause) => {
    signal.throwIfAborted();
    if (!(cause instanceof TypeError)) throw cause;
    throw new CustomTokenError(
      'generator_failed',
      `The request to the token endpoint ${String(url)} failed on the network: ${messageOf(cause)}`,
      {
        cause,
        retryable: true,
      },
    );
  };
}

/**
 * A token answer is read as far as LiveKit's server reads a join, whose URL carries the token
 * (`?access_token=`): Go's `http.DefaultMaxHeaderBytes` (1 MiB) plus the 4 KiB its reader takes
 * beyond it. A longer join is answered 431, so a longer answer holds no token that could join
 * (LiveKit's field limits, written with JSON's escapes, allow tokens of several MiB).
 */
export const MAX_BODY_BYTES = 2 ** 20 + 4096;
/** An error answer is read only for its `{ error: { code, message } }`. */
const MAX_ERROR_BODY_BYTES = 2 ** 16;
/** How long an error answer's body may take after its status: the status says enough without it. */
const ERROR_BODY_WAIT_MS = 1_000;

/**
 * The body as text, or `undefined` when it is longer than `maxBytes` or takes longer than `waitMs`:
 * what is left is not read (the stream is cancelled), so a wrong or hostile endpoint can neither
 * fill the tab's memory nor hold the answer.
 */
async function readText(response: Response, maxBytes: number, waitMs = Infinity): Promise<string | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    if (waitMs < Infinity) timer = setTimeout(() => resolve(undefined), waitMs);
  });
  const body = response.body as Partial<ReadableStream<Uint8Array>> | null | undefined;
  try {
    if (!body?.getReader) {
      // A fetch without body streams (React Native's) can only read it whole, then measure it: in
      // bytes, as a stream is (a character may take up to four).
      const text = await Promise.race([response.text(), late]);
      return text !== undefined && fits(text, maxBytes) ? text : undefined;
    }
    const reader = body.getReader();
    if (Number(response.headers.get('Content-Length')) > maxBytes) return stopReading(reader);
    const decoder = new TextDecoder();
    let text = '';
    let bytes = 0;
    for (;;) {
      const chunk = await Promise.race([reader.read(), late]);
      if (!chunk) return stopReading(reader);
      if (chunk.done) return text + decoder.decode();
      bytes += chunk.value.byteLength;
      if (bytes > maxBytes) return stopReading(reader);
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Leaves the rest of a body unread: `undefined`, as {@link readText} says a body too long or too slow. */
function stopReading(reader: ReadableStreamDefaultReader<Uint8Array>): undefined {
  // A body that has already failed rejects its cancel: the status says enough.
  reader.cancel().catch(noop);
  return undefined;
}

/**
 * The request's headers. Ones `fetch` refuses (a newline or a character beyond Latin-1 in a
 * value) fail at once: its `TypeError` would read as a network failure, retried for nothing.
 */
function toHeaders(url: string | URL, extra: HeadersInit | undefined): Headers {
  let headers: Headers;
  try {
    headers = new Headers(extra);
  } catch (cause) {
    throw new CustomTokenError(
      'generator_failed',
      // Not fetch's message: some repeat the value (a bearer token), and this one is shown and logged.
      `The headers for the token endpoint ${String(url)} are not valid HTTP headers (the error's cause says which).`,
      {
        cause,
        retryable: false,
      },
    );
  }
  headers.set('Content-Type', 'application/json');
  return headers;
}

/** LiveKit's `TokenSourceRequest` in its JSON (snake_case) form; JSON.stringify leaves out the options not given. */
function toEndpointBody(request: TokenRequest): Record<string, unknown> {
  return {
    room_name: request.roomName,
    participant_name: request.participantName,
    participant_identity: request.participantIdentity,
    participant_metadata: request.participantMetadata,
    participant_attributes: request.participantAttributes,
    room_config: request.roomConfig && snakeCaseKeys(request.roomConfig),
  };
}

/**
 * What a 200 or 201 answer that is not JSON is — the sign-in page an auth middleware sends a
 * signed-out request to, a static host's index page: its status, type, the page a redirect led to
 * (without its query, which may hold an SSO request's state) and its words.
 */
function whatCame(response: Response, text: string): string {
  const type = response.headers.get('Content-Type')?.split(';')[0] ?? 'without a Content-Type';
  const from = response.redirected ? ` from ${response.url.replace(/[?#].*/s, '')}` : '';
  const words = textWords(response, text);
  return ` but HTTP ${response.status} ${type}${from}${words ? `: ${oneLine(words)}` : ''}`;
}

/** Protobuf JSON field names of a `RoomConfiguration` (`agentName` → `agent_name`), recursively. */
function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), snakeCaseKeys(inner)]),
  );
}

/** The text as JSON, or `undefined` when it is not JSON. */
function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: undefined.
  }
  return value;
}

/**
 * An error answer's body, or `undefined` when it is too long, failed, or not there within a second
 * of its status (a stalled proxy): the status says enough, and must not wait for the token
 * source's timeout, which a 401 would be retried after.
 */
function readErrorBody(response: Response): Promise<string | undefined> {
  return readText(response, MAX_ERROR_BODY_BYTES, ERROR_BODY_WAIT_MS).catch(() => undefined);
}

/**
 * What a body that is not JSON says: a `text/plain` one (as Go's `http.Error` writes it) whole; an
 * HTML page (a proxy's or CDN's error page, a framework's 404, the sign-in page an auth middleware
 * redirected to) by what {@link htmlWords} finds in it.
 */
function textWords(response: Response, text: string | undefined): string | undefined {
  const kind = /^text\/(plain|html)\b/i.exec(response.headers.get('Content-Type') ?? '')?.[1]?.toLowerCase();
  if (!text || !kind) return undefined;
  return kind === 'plain' ? text : htmlWords(text);
}

/** The statuses whose `Retry-After` says when to ask again (RFC 9110 §10.2.3, RFC 6585): elsewhere it is ignored. */
const ASKS_TO_WAIT = new Set([429, 503]);

function httpError(url: string | URL, response: Response, text: string | undefined): CustomTokenError {
  // `null` and primitives read as having no field (`Object(null)` is `{}`).
  const body = Object(parseJson(text ?? '')) as Record<string, unknown>;
  const { code, message } = Object(body.error) as { code?: unknown; message?: unknown };
  const serverCode = typeof code === 'string' ? code : undefined;
  // The endpoint's own words, the most specific first: this package's { error: { code, message } };
  // a top-level message (NestJS, Laravel), before the status phrase NestJS puts in `error`; a
  // detail (FastAPI, RFC 9457 problem details); { error: "…" }, as the endpoints written with
  // LiveKit's Python SDK answer; a problem's title; else what its body says as text.
  const words =
    [message, body.message, body.detail, body.error, body.title].find((said): said is string => typeof said === 'string') ??
    textWords(response, text);
  const said = words && oneLine(words);
  const detail = said ? `: ${said}` : response.statusText ? ` ${response.statusText}` : '';
  const retryAfterMs = ASKS_TO_WAIT.has(response.status) ? readRetryAfter(response.headers) : undefined;
  const wait = retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
  return new CustomTokenError('http', `The token endpoint ${String(url)} answered HTTP ${response.status}${detail}${wait}`, {
    status: response.status,
    serverCode,
    retryAfterMs,
  });
}

/** Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with the day's name. */
const HTTP_DATE_START = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)/;

/** An HTTP date is GMT; the asctime form does not say so, and `Date.parse` would read it in local time. */
function parseHttpDate(date: string): number {
  // Stryker disable next-line ConditionalExpression,MethodExpression,StringLiteral: only a time zone other than UTC tells these apart, and a worker thread (Stryker's) cannot set one; under npm test's forked workers the asctime test fails for each
  const gmt = date.endsWith('GMT') ? date : `${date} GMT`;
  return Date.parse(gmt);
}

/** An HTTP-date header as milliseconds since the epoch, `NaN` when absent or not one. */
function readHttpDate(header: string | null): number {
  return header !== null && HTTP_DATE_START.test(header) ? parseHttpDate(header) : NaN;
}

/**
 * `Retry-After` as delay-seconds or an HTTP date, in milliseconds from now; `undefined` when absent
 * or neither (`Date.parse` alone would read "-5" or "1.5" as dates long past, that is, as no wait).
 * A date is measured against the answer's own `Date` when it has one, so this device's clock being
 * ahead or behind the server's changes nothing. `Headers.get` has already trimmed them.
 */
function readRetryAfter(headers: Headers): number | undefined {
  const header = headers.get('Retry-After');
  // Stryker disable next-line ConditionalExpression: a missing header fails both tests below, so it gives undefined either way
  if (header === null) return undefined;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const at = readHttpDate(header);
  if (Number.isNaN(at)) return undefined;
  const serverNow = readHttpDate(headers.get('Date'));
  return Math.max(at - (Number.isNaN(serverNow) ? Date.now() : serverNow), 0);
}

/** The token in a 200 or 201 answer, or an `invalid_response` error saying what came instead. */
function toTokenResponse(url: string | URL, response: Response, text: string): TokenResponse {
  const payload = parseJson(text);
  // `null` and primitives read as having neither field (`Object(null)` is `{}`).
  const body = Object(payload) as Record<string, unknown>;
  const serverUrl = body.server_url ?? body.serverUrl;
  const participantToken = body.participant_token ?? body.participantToken;
  if (typeof serverUrl !== 'string' || typeof participantToken !== 'string') {
    throw new CustomTokenError(
      'invalid_response',
      `The token endpoint ${String(url)} did not answer with { server_url, participant_token } JSON${payload === undefined ? whatCame(response, text) : '.'}`,
    );
  }
  return { serverUrl, participantToken };
}
