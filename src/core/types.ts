import type { RoomConfigurationObject, TokenSourceFetchOptions } from 'livekit-client';
import type { CustomTokenError } from './errors.js';

/**
 * The fetch options `useSession` passes to a token source (livekit-client's own type).
 *
 * @example
 * ```ts
 * import { createCustomTokenSource, createEndpointGenerator, type TokenFetchOptions } from 'livekit-custom-token-react';
 *
 * const source = createCustomTokenSource(createEndpointGenerator('/api/token'));
 * const options: TokenFetchOptions = { roomName: 'support', participantName: 'Ada', agentName: 'helper' };
 * export const { serverUrl, participantToken } = await source.fetch(options);
 * ```
 */
export type TokenFetchOptions = TokenSourceFetchOptions;

/**
 * What a generator receives: the normalised fetch options and, when an agent was asked for,
 * a ready `roomConfig` in LiveKit's `RoomConfiguration` shape, to pass on as `room_config`.
 *
 * @example
 * ```ts
 * import type { TokenGenerator, TokenRequest } from 'livekit-custom-token-react';
 *
 * const toBody = ({ roomName, participantName, roomConfig }: TokenRequest) => ({
 *   room_name: roomName,
 *   participant_name: participantName,
 *   room_config: roomConfig,
 * });
 * export const generator: TokenGenerator = async (request, { signal }) => {
 *   const res = await fetch('/api/token', {
 *     method: 'POST',
 *     headers: { 'content-type': 'application/json' },
 *     body: JSON.stringify(toBody(request)),
 *     signal,
 *   });
 *   if (!res.ok) throw Object.assign(new Error(await res.text()), { status: res.status });
 *   return res.json();
 * };
 * ```
 */
export interface TokenRequest extends Readonly<TokenFetchOptions> {
  /** The requested agent (`agentName`, `agentMetadata`, `deployment`) as one `agents` entry; absent when none of them was given. */
  readonly roomConfig?: RoomConfigurationObject;
}

/**
 * The second argument of a generator.
 *
 * @example
 * ```ts
 * import type { TokenGeneratorContext, TokenRequest, TokenResponse } from 'livekit-custom-token-react';
 *
 * export async function generator(request: TokenRequest, { signal, attempt }: TokenGeneratorContext): Promise<TokenResponse> {
 *   if (attempt > 1) console.info(`token: retry ${attempt - 1}`);
 *   const res = await fetch('/api/token', {
 *     method: 'POST',
 *     headers: { 'content-type': 'application/json' },
 *     body: JSON.stringify(request),
 *     signal,
 *   });
 *   if (!res.ok) throw Object.assign(new Error(await res.text()), { status: res.status });
 *   return res.json();
 * }
 * ```
 */
export interface TokenGeneratorContext {
  /** Aborted on timeout, unmount, newer options or `cancel()`. Pass it to `fetch`. */
  readonly signal: AbortSignal;
  /** 1 for the first try, 2 for the first retry, … */
  readonly attempt: number;
}

/**
 * What a generator resolves to. snake_case (`server_url`, `participant_token`) is accepted too.
 *
 * @example
 * ```ts
 * import type { TokenGenerator, TokenResponse } from 'livekit-custom-token-react';
 *
 * declare function mintOnBackend(roomName: string | undefined): Promise<{ url: string; jwt: string }>;
 *
 * export const generator: TokenGenerator = async (request) => {
 *   const { url, jwt } = await mintOnBackend(request.roomName);
 *   const response: TokenResponse = { serverUrl: url, participantToken: jwt };
 *   return response;
 * };
 * ```
 */
export interface TokenResponse {
  /** `wss:`/`ws:` (or `https:`/`http:`) URL of the LiveKit server. */
  serverUrl: string;
  /** The participant's JWT. */
  participantToken: string;
}

/**
 * The app's own way of minting a token.
 *
 * @example
 * ```ts
 * import type { TokenGenerator } from 'livekit-custom-token-react';
 *
 * export const generator: TokenGenerator = async (request, { signal }) => {
 *   const res = await fetch('/api/token', {
 *     method: 'POST',
 *     headers: { 'content-type': 'application/json' },
 *     body: JSON.stringify(request),
 *     signal,
 *   });
 *   // An HTTP status on the error: 5xx, 429 and 408 are retried, 401 and 403 fail at once (code `http`).
 *   if (!res.ok) throw Object.assign(new Error(await res.text()), { status: res.status });
 *   return res.json();
 * };
 * ```
 */
export type TokenGenerator = (request: TokenRequest, context: TokenGeneratorContext) => Promise<TokenResponse>;

/**
 * The video grant of a LiveKit token, as far as this package reads it.
 *
 * @example
 * ```tsx
 * import { useTokenStatus, type TokenGrants } from 'livekit-custom-token-react';
 *
 * const canShareScreen = (grants: Readonly<TokenGrants> | undefined) =>
 *   grants?.canPublish === true && (grants.canPublishSources?.includes('screen_share') ?? true);
 *
 * // Inside <CustomTokenSessionProvider>:
 * export function ShareHint() {
 *   const { grants } = useTokenStatus();
 *   return canShareScreen(grants) ? <p>You may share your screen.</p> : null;
 * }
 * ```
 */
export interface TokenGrants {
  /** The room the token is for. */
  room?: string;
  /** May join `room`. A token without it is refused as `invalid_response`. */
  roomJoin?: boolean;
  /** May administer `room` (LiveKit's room admin permission). */
  roomAdmin?: boolean;
  /** May create rooms. */
  roomCreate?: boolean;
  /** May publish tracks. */
  canPublish?: boolean;
  /** May subscribe to other participants' tracks. */
  canSubscribe?: boolean;
  /** May send data messages. */
  canPublishData?: boolean;
  /** The track sources the participant may publish (`camera`, `microphone`, …), when the token limits them. */
  canPublishSources?: string[];
  /** May update its own name, metadata and attributes. */
  canUpdateOwnMetadata?: boolean;
  /** Hidden from the room's other participants. */
  hidden?: boolean;
  /** The participant is an agent. */
  agent?: boolean;
  /** Any other field of the grant, as decoded. */
  [grant: string]: unknown;
}

/**
 * A validated token with what was read from it. Times are local-clock milliseconds, as the clock
 * read when the token arrived (the snapshot's `expiresAt` follows the clock if it is set back since).
 *
 * @example
 * ```tsx
 * import { useTokenStatus, type TokenDetails } from 'livekit-custom-token-react';
 *
 * const describe = (token: TokenDetails) =>
 *   `${token.identity ?? 'anonymous'} in ${token.room ?? 'any room'}, agents: ${token.agentNames.join(', ') || 'none'}`;
 *
 * // Inside <CustomTokenSessionProvider>:
 * export function TokenInfo() {
 *   const { token } = useTokenStatus();
 *   return token ? <p>{describe(token)}</p> : null;
 * }
 * ```
 */
export interface TokenDetails {
  /** URL of the LiveKit server, as the generator returned it. */
  readonly serverUrl: string;
  /** The participant's JWT, as the generator returned it. */
  readonly participantToken: string;
  /** The participant identity the token grants, from its `sub` claim. */
  readonly identity: string | undefined;
  /** The participant's display name, from the token's `name` claim. */
  readonly name: string | undefined;
  /** The LiveKit room the token grants, from its `video.room` claim. */
  readonly room: string | undefined;
  /** The token's video grant, its `video` claim. */
  readonly grants: Readonly<TokenGrants>;
  /** Names of the agents the token dispatches, from its `roomConfig.agents`; empty when it dispatches none. */
  readonly agentNames: readonly string[];
  /** Local time the token arrived. */
  readonly receivedAt: number;
  /** Local time the token expires, from its own lifetime; `null` when it carries no `exp`. */
  readonly expiresAt: number | null;
  /** Local time from which the token is refreshed instead of reused; `null` = never reused. */
  readonly staleAt: number | null;
}

/**
 * Where the token for the current options stands. A token past its `expiresAt` is never `ready`.
 *
 * - `idle`: nothing fetched for these options yet.
 * - `fetching`: a generator call is in flight; `token` keeps the previous one, if any.
 * - `ready`: a token is in hand and has not expired.
 * - `expired`: the token in hand is past `expiresAt`, no fetch is running, and the last one did not
 *   fail (that stays `error`). While a source is subscribed and disconnected it refreshes ahead of
 *   expiry, so this shows only while a session is connected (LiveKit refreshes the live session's
 *   token itself) or when nobody subscribes; the next `fetch` or `start()` gets a new token.
 * - `error`: the last fetch failed; `error` says why and `token` keeps the last valid one (compare
 *   `expiresAt` with the clock before showing it as usable).
 *
 * @example
 * ```tsx
 * import { useTokenStatus, type TokenStatusKind } from 'livekit-custom-token-react';
 *
 * const TEXT: Record<TokenStatusKind, string> = {
 *   idle: 'Not requested', fetching: 'Getting a token…', ready: 'Ready', expired: 'Expired', error: 'Failed',
 * };
 *
 * // Inside <CustomTokenSessionProvider>:
 * export function TokenBadge() {
 *   return <span>{TEXT[useTokenStatus().status]}</span>;
 * }
 * ```
 */
export type TokenStatusKind = 'idle' | 'fetching' | 'ready' | 'expired' | 'error';

/**
 * The observable state of a token source for its current options. Immutable; compare by reference.
 *
 * @example
 * ```ts
 * import { createCustomTokenSource, createEndpointGenerator, type TokenSnapshot } from 'livekit-custom-token-react';
 *
 * function label(snapshot: TokenSnapshot): string {
 *   if (snapshot.status === 'error') return `Failed: ${snapshot.error?.code ?? 'unknown'}`;
 *   return snapshot.status === 'ready' ? `Ready for ${snapshot.room ?? 'any room'}` : snapshot.status;
 * }
 * const source = createCustomTokenSource(createEndpointGenerator('/api/token'));
 * export const unsubscribe = source.subscribe(() => console.log(label(source.getSnapshot())));
 * ```
 */
export interface TokenSnapshot {
  /** Where the token for the current options stands; see {@link TokenStatusKind}. */
  readonly status: TokenStatusKind;
  /** The latest token for the current options, kept while a refresh runs or fails, and after it expires. */
  readonly token: TokenDetails | null;
  /**
   * Local time `token` expires, on the clock as it reads now: earlier than `token.expiresAt` by as
   * much as the clock was set back since the token arrived, so `expiresAt - Date.now()` is the time
   * it really has left. `null` without a token or for a token without `exp`.
   */
  readonly expiresAt: number | null;
  /** `token.identity`: the participant identity `token` grants; `undefined` without a token. */
  readonly identity: string | undefined;
  /** `token.room`: the room `token` grants; `undefined` without a token. */
  readonly room: string | undefined;
  /** `token.grants`: the video grant of `token`; `undefined` without a token. */
  readonly grants: Readonly<TokenGrants> | undefined;
  /** The last failure for the current options; cleared by the next success. */
  readonly error: CustomTokenError | null;
  /** Generator calls made by this source so far. */
  readonly generatorCalls: number;
}

/**
 * Telemetry: one call per notable step. An `error` says whether another attempt follows
 * (`willRetry`); a refresh-ahead's retry that comes due once a session has connected is dropped,
 * and a second `error` for the same failure then says `willRetry: false`.
 *
 * @example
 * ```ts
 * import { createCustomTokenSource, createEndpointGenerator, type TokenSourceEvent } from 'livekit-custom-token-react';
 *
 * function report(event: TokenSourceEvent) {
 *   if (event.type === 'error') console.warn('token error', event.error.code, { willRetry: event.willRetry });
 *   else console.debug('token', event.type, event.request.roomName);
 * }
 * export const source = createCustomTokenSource(createEndpointGenerator('/api/token'), { onEvent: report });
 * ```
 */
export type TokenSourceEvent =
  | { type: 'fetch'; request: TokenRequest; attempt: number }
  | { type: 'success'; request: TokenRequest; token: TokenDetails }
  | { type: 'cache-hit'; request: TokenRequest; token: TokenDetails }
  | { type: 'error'; request: TokenRequest; error: CustomTokenError; willRetry: boolean };
