import { QueryClient } from '@tanstack/query-core';
import type { CustomTokenError } from '../../src/core/errors';
import type { TokenDetails } from '../../src/core/types';

export const NOW = Date.UTC(2026, 10, 28, 12);
const KEY = ['token', 'source', '{"roomName":"A"}'];

/**
 * Token details for room A as validateTokenResponse reads them, with the given staleAt and
 * expiresAt (a minute after staleAt by default), received at `receivedAt` (a minute before NOW by default).
 */
export const tokenDetails = (times: { staleAt: number | null; expiresAt?: number | null; receivedAt?: number }): TokenDetails => ({
  serverUrl: 'wss://lk.example',
  participantToken: 'jwt',
  identity: 'alice',
  name: undefined,
  room: 'A',
  grants: { room: 'A', roomJoin: true },
  agentNames: [],
  receivedAt: times.receivedAt ?? NOW - 60_000,
  expiresAt: times.expiresAt === undefined ? (times.staleAt === null ? null : times.staleAt + 60_000) : times.expiresAt,
  staleAt: times.staleAt,
});

/** A token query's state as TanStack Query holds it, after `data` was stored (and, optionally, invalidated). */
export async function queryStateWith(data: TokenDetails | undefined, { invalidated = false } = {}) {
  const client = new QueryClient();
  if (data) client.setQueryData(KEY, data);
  else client.getQueryCache().build(client, { queryKey: KEY });
  if (invalidated) await client.invalidateQueries({ queryKey: KEY, refetchType: 'none' });
  const state = client.getQueryCache().find<TokenDetails, CustomTokenError>({ queryKey: KEY })!.state;
  client.clear();
  return state;
}
