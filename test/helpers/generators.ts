import { vi } from 'vitest';
import type { CustomTokenError } from '../../src/core/errors';
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

/**
 * A {@link mintingGenerator} of `ttl`-second tokens that throws `error()` instead from `fail()`
 * until `recover()`: a token service that goes down, signs the user out or rate-limits, and comes back.
 */
export function switchableGenerator(ttl: number, error: () => CustomTokenError) {
  const working = mintingGenerator(() => ({ ttl }));
  let failing = false;
  const generator = vi.fn<TokenGenerator>(async (request, context) => {
    if (failing) throw error();
    return working(request, context);
  });
  return { generator, fail: () => void (failing = true), recover: () => void (failing = false) };
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
