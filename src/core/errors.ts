/**
 * Every failure this package reports, as one class with a stable `code` per kind.
 *
 * Token codes come from the token source, session codes from the session provider.
 *
 * @example
 * ```ts
 * import type { CustomTokenErrorCode } from 'livekit-custom-token-react';
 *
 * export const messages: Partial<Record<CustomTokenErrorCode, string>> = {
 *   timeout: 'The server took too long to answer. Try again.',
 *   media_failed: 'Allow the microphone to join the call.',
 *   agent_failed: 'The assistant could not join.',
 * };
 * ```
 */
export type CustomTokenErrorCode =
  /** The options passed to `fetch` are not valid fetch options. */
  | 'invalid_options'
  /** The generator threw or rejected. */
  | 'generator_failed'
  /** The generator did not settle within `timeoutMs`. */
  | 'timeout'
  /** The fetch was aborted: unmount, newer options, or an explicit cancel. */
  | 'aborted'
  /** A token endpoint answered with an HTTP status other than 200 or 201. */
  | 'http'
  /** The generator returned something that is not a usable token response. */
  | 'invalid_response'
  /** The token has already expired (or has no lifetime left). */
  | 'expired'
  /** The token does not grant what was asked for (room, identity or agent). */
  | 'mismatch'
  /** LiveKit refused or lost the connection; `reason` names LiveKit's `ConnectionErrorReason`. */
  | 'connection_failed'
  /**
   * The camera, microphone or screen could not be published on `start()`: permission denied, no
   * device, or the device is busy. `reason` names LiveKit's `MediaDeviceFailure`.
   */
  | 'media_failed'
  /**
   * The dispatched agent never became ready, or left the call other than by hanging up (one that
   * leaves on its own once ready ends the call without an error); for one that left, `reason` names
   * its `DisconnectReason` where the server gave it (`PARTICIPANT_REMOVED`, …; `CLIENT_INITIATED`:
   * it left on its own before it was ready). Taken back once an agent is in the call again.
   */
  | 'agent_failed'
  /**
   * A live session ended without `end()`: the server shut down, the participant was removed,
   * the same identity joined elsewhere (another tab), … `reason` names LiveKit's `DisconnectReason`.
   */
  | 'disconnected'
  /**
   * A session hook (`useSessionState`, `useSessionActions`, `useCameraTracks`, `useAgentStatus`,
   * `useTokenStatus` without a source) was rendered outside `<CustomTokenSessionProvider>`: thrown
   * during render, for an error boundary; the message names the hook.
   */
  | 'outside_provider';

/**
 * What {@link (CustomTokenError:type)} carries besides its code and message. An `http` error is made with
 * its `status`, a `media_failed` or `disconnected` one with LiveKit's `reason` (see
 * {@link CustomTokenErrorDetails}).
 *
 * @example
 * ```ts
 * import { CustomTokenError, type CustomTokenErrorOptions, type TokenGenerator } from 'livekit-custom-token-react';
 *
 * export const generator: TokenGenerator = async (request, { signal }) => {
 *   const res = await fetch('/api/token', {
 *     method: 'POST',
 *     headers: { 'content-type': 'application/json' },
 *     body: JSON.stringify(request),
 *     signal,
 *   });
 *   if (!res.ok) {
 *     const options = { status: res.status, serverCode: res.status === 401 ? 'signed_out' : undefined } satisfies CustomTokenErrorOptions;
 *     throw new CustomTokenError('http', `The token endpoint answered ${res.status}.`, options);
 *   }
 *   return res.json();
 * };
 * ```
 */
export interface CustomTokenErrorOptions {
  /** What failed underneath: the generator's error, LiveKit's `ConnectionError`, a `Response`'s body error, … */
  cause?: unknown;
  /** HTTP status: required for `http` errors (a generator's error carrying a `status`, `statusCode` or `response.status` becomes one). */
  status?: number | undefined;
  /** The server's own error code from a `{ error: { code } }` body, when it sent one. */
  serverCode?: string | undefined;
  /** How long the server asked to wait before trying again (its `Retry-After`), in milliseconds. */
  retryAfterMs?: number | undefined;
  /** Whether retrying the same request may succeed. Defaults by code. */
  retryable?: boolean | undefined;
  /** LiveKit's `ConnectionErrorReason` name (`NotAllowed`, `ServerUnreachable`, …); its `DisconnectReason` name for `disconnected` (required), and the agent's for `agent_failed`; its `MediaDeviceFailure` for `media_failed` (required). */
  reason?: string | undefined;
  /** The agent's failure reasons, for `agent_failed`. */
  failureReasons?: readonly string[] | undefined;
}

/**
 * What an error of some codes always has, beyond the fields of every {@link (CustomTokenError:type)}:
 * narrowing by `code` gives it.
 *
 * @example
 * ```ts
 * import type { CustomTokenError } from 'livekit-custom-token-react';
 *
 * export const describe = (error: CustomTokenError) => (error.code === 'http' ? `HTTP ${error.status}` : error.message);
 * ```
 */
export interface CustomTokenErrorDetails {
  /** A token endpoint answered with this HTTP status. */
  http: { readonly status: number };
  /** LiveKit's `MediaDeviceFailure`: `PermissionDenied`, `NotFound`, `DeviceInUse` or `Other`. */
  media_failed: { readonly reason: string };
  /** LiveKit's `DisconnectReason` name: `SERVER_SHUTDOWN`, `ROOM_DELETED`, `DUPLICATE_IDENTITY`, … (its number, for one newer than the `livekit-client` in use) */
  disconnected: { readonly reason: string };
}

/**
 * The fields of every {@link (CustomTokenError:type)}, whatever its code.
 *
 * @example
 * ```ts
 * import type { CustomTokenErrorFields } from 'livekit-custom-token-react';
 *
 * export const canRetry = ({ retryable, retryAfterMs }: CustomTokenErrorFields) => retryable && retryAfterMs === undefined;
 * ```
 */
export interface CustomTokenErrorFields extends Error {
  /** Always `'CustomTokenError'`: how {@link isCustomTokenError} knows one from another copy of this package. */
  readonly name: 'CustomTokenError';
  /** What kind of failure this is: the value to branch on (it narrows the other fields, see {@link CustomTokenErrorDetails}). */
  readonly code: CustomTokenErrorCode;
  /** HTTP status, for `http` errors (also those from a generator's error that carried one); `undefined` otherwise, unless given. */
  readonly status: number | undefined;
  /** The server's own error code from a `{ error: { code } }` body, when it sent one. */
  readonly serverCode: string | undefined;
  /**
   * How long the server asked to wait before trying again (`Retry-After` on a 429 or 503), in
   * milliseconds. The token source waits at least this long before its next retry (up to
   * `maxRetryDelayMs`) and before its next refresh round.
   */
  readonly retryAfterMs: number | undefined;
  /** Whether retrying the same request may succeed (for a session's failure: starting again): as given, else `true` for `timeout`, `agent_failed` and a 5xx, 429 or 408 `status`. */
  readonly retryable: boolean;
  /**
   * LiveKit's `ConnectionErrorReason` name (`NotAllowed`, `ServerUnreachable`, …) for
   * `connection_failed`, when it gave one; its `DisconnectReason` name for `disconnected`, and the
   * agent's for an `agent_failed` agent that left (where the server gave it: livekit-client 2.23
   * passes it on, 2.20 does not); its `MediaDeviceFailure` for `media_failed`. `undefined` otherwise.
   */
  readonly reason: string | undefined;
  /** The agent's failure reasons, for `agent_failed`; empty otherwise. */
  readonly failureReasons: readonly string[];
}

/**
 * The one error type of `livekit-custom-token-react`: one member per `code`, so that branching on
 * `code` narrows the rest (`error.code === 'http'` gives `status: number`). `CustomTokenError<'http'>`
 * is the member of one code. `cause` holds the original error.
 *
 * @example
 * ```ts
 * import { createCustomTokenSource, createEndpointGenerator, isCustomTokenError } from 'livekit-custom-token-react';
 *
 * const source = createCustomTokenSource(createEndpointGenerator('/api/token'));
 *
 * export async function tokenFor(roomName: string) {
 *   try {
 *     return await source.fetch({ roomName });
 *   } catch (error) {
 *     if (isCustomTokenError(error) && error.code === 'http' && error.status === 401) window.location.assign('/sign-in');
 *     throw error;
 *   }
 * }
 * ```
 */
export type CustomTokenError<C extends CustomTokenErrorCode = CustomTokenErrorCode> = C extends CustomTokenErrorCode
  ? CustomTokenErrorFields & { readonly code: C } & (C extends keyof CustomTokenErrorDetails ? CustomTokenErrorDetails[C] : unknown)
  : never;

/**
 * The one error class of `livekit-custom-token-react` (`instanceof CustomTokenError` holds, and
 * narrows to the {@link (CustomTokenError:type)} type). Made with what its code promises: an `http` error
 * with its `status`, a `media_failed` or `disconnected` one with its `reason`.
 *
 * @example
 * ```ts
 * import { CustomTokenError, type TokenGenerator } from 'livekit-custom-token-react';
 *
 * export const generator: TokenGenerator = async (request, { signal }) => {
 *   const res = await fetch('/api/token', {
 *     method: 'POST',
 *     headers: { 'content-type': 'application/json' },
 *     body: JSON.stringify(request),
 *     signal,
 *   });
 *   if (!res.ok) throw new CustomTokenError('http', `The token endpoint answered ${res.status}.`, { status: res.status });
 *   return res.json();
 * };
 * ```
 */
export const CustomTokenError = class CustomTokenError extends Error implements CustomTokenErrorFields {
  override readonly name = 'CustomTokenError';
  // Declared only: the constructor defines each, in this order.
  declare readonly code: CustomTokenErrorCode;
  declare readonly status: number | undefined;
  declare readonly serverCode: string | undefined;
  declare readonly retryAfterMs: number | undefined;
  declare readonly retryable: boolean;
  declare readonly reason: string | undefined;
  declare readonly failureReasons: readonly string[];

  constructor(code: CustomTokenErrorCode, message: string, options: CustomTokenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.serverCode = options.serverCode;
    this.retryAfterMs = options.retryAfterMs;
    // Trying again may well not fail as before after a slow answer, or an agent that never came or left
    // (starting again dispatches a new one).
    this.retryable = options.retryable ?? (code === 'timeout' || code === 'agent_failed' || isRetryableStatus(options.status));
    this.reason = options.reason;
    this.failureReasons = options.failureReasons ?? [];
  }
  // A class instance has one `code` field of every code; the constructor's options make each error
  // what its code promises, so that it is the union's member of that code.
} as unknown as {
  new <C extends CustomTokenErrorCode>(
    code: C,
    message: string,
    ...options: C extends keyof CustomTokenErrorDetails
      ? [options: CustomTokenErrorOptions & CustomTokenErrorDetails[C]]
      : [options?: CustomTokenErrorOptions]
  ): CustomTokenError<C>;
  readonly prototype: CustomTokenError;
};

/**
 * `true` for a {@link (CustomTokenError:type)}, also one thrown by another copy of this package.
 *
 * @example
 * ```ts
 * import { createCustomTokenSource, isCustomTokenError } from 'livekit-custom-token-react';
 *
 * declare const source: ReturnType<typeof createCustomTokenSource>;
 * try {
 *   await source.fetch({ roomName: 'standup' });
 * } catch (error) {
 *   if (isCustomTokenError(error) && error.code === 'http' && error.status === 401) location.assign('/sign-in');
 * }
 * ```
 */
export function isCustomTokenError(value: unknown): value is CustomTokenError {
  return value instanceof CustomTokenError || (value instanceof Error && value.name === 'CustomTokenError' && 'code' in value);
}

/**
 * 408 (the request came too slowly: a slow network, not a wrong request), 429 and 5xx are worth
 * retrying; every other status is final.
 */
export function isRetryableStatus(status: number | undefined): boolean {
  return (status ?? 0) >= 500 || status === 429 || status === 408;
}
