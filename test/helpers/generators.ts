import { vi } from 'vitest';
import type { TokenGenerator, TokenRequest } from '../../src/core/types';
import { mintToken, SERVER_URL, type MintOptions } from './tokens';

/**
 * A generator that mints a real token for exactly what it was asked (room, identity, agent),
 * wrapped in `vi.fn` so tests can count and inspect calls.
 */
export function mintingGenerator(extra: (request: TokenRequest) => MintOptions = () => ({})) {
  return vi.fn<TokenGenerator>(async (request) => ({
    serverUrl: SERVER_URL,
    participantToken: await mintToken({
      room: request.roomName ?? 'room-a',
      identity: request.participantIdentity ?? 'alice',
      agentName: request.agentName,
      ...extra(request),
    }),
  }));
}

/** A generator whose calls stay pending until the test settles them. */
export function controlledGenerator() {
  const calls: {
    request: TokenRequest;
    signal: AbortSignal;
    resolve: (options?: MintOptions) => Promise<void>;
    reject: (error: unknown) => void;
  }[] = [];
  const generator = vi.fn<TokenGenerator>(
    (request, { signal }) =>
      new Promise((resolvePromise, rejectPromise) => {
        calls.push({
          request,
          signal,
          resolve: async (options = {}) =>
            resolvePromise({
              serverUrl: SERVER_URL,
              participantToken: await mintToken({
                room: request.roomName ?? 'room-a',
                identity: request.participantIdentity ?? 'alice',
                ...options,
              }),
            }),
          reject: rejectPromise,
        });
      }),
  );
  return { generator, calls };
}
