import { CustomTokenSource, type CustomTokenSourceConfig } from './CustomTokenSource.js';
import type { TokenGenerator } from './types.js';

/**
 * Builds a LiveKit token source around the app's own generator, outside React. In components,
 * use `useCustomTokenSource`, which keeps one source across renders.
 *
 * @throws A `TypeError` when the generator is not a function, or a duration or retry count in
 * `config` is not a number of 0 or more (a `NaN` one would refetch without pause).
 *
 * @example
 * ```ts
 * import type { Room } from 'livekit-client';
 * import { createCustomTokenSource } from 'livekit-custom-token-react';
 *
 * const source = createCustomTokenSource(async (request, { signal }) => {
 *   const res = await fetch('/api/token', {
 *     method: 'POST',
 *     headers: { 'content-type': 'application/json' },
 *     body: JSON.stringify(request),
 *     signal,
 *   });
 *   if (!res.ok) throw Object.assign(new Error(await res.text()), { status: res.status }); // typed `http` error
 *   return res.json(); // { serverUrl, participantToken }
 * });
 *
 * export async function join(room: Room) {
 *   const { serverUrl, participantToken } = await source.fetch({ roomName: 'standup' });
 *   await room.connect(serverUrl, participantToken);
 * }
 * ```
 */
export function createCustomTokenSource(generator: TokenGenerator, config?: CustomTokenSourceConfig): CustomTokenSource {
  return new CustomTokenSource(generator, config);
}
