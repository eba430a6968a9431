/**
 * Row 6's measurement, in its own `node --expose-gc` process so heap growth is read after a full
 * collection: N fetches of distinct rooms through each side, timed, with the heap measured before
 * and after (the source kept alive, so what it retains counts). Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { QueryClient } from '@tanstack/query-core';
import { decodeTokenPayload, TokenSource } from 'livekit-client';
import { AccessToken } from 'livekit-server-sdk';
import { createCustomTokenSource } from '../../dist/index.js';

const count = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 3);
const SERVER_URL = 'ws://127.0.0.1:7880';

/** Real tokens, one per room, minted before any timing (both sides read the same ones). */
async function mintAll(prefix, n) {
  const tokens = new Map();
  for (let i = 0; i < n; i++) {
    const token = new AccessToken('devkey', 'secret', { identity: 'bench-user', ttl: '10m' });
    token.addGrant({ room: `${prefix}-${i}`, roomJoin: true });
    tokens.set(`${prefix}-${i}`, await token.toJwt());
  }
  return tokens;
}

const sides = [
  {
    name: 'LiveKit: TokenSource.custom',
    create: (tokens) => TokenSource.custom(async ({ roomName }) => ({ serverUrl: SERVER_URL, participantToken: tokens.get(roomName) })),
  },
  {
    name: 'ours: createCustomTokenSource (its own QueryClient)',
    create: (tokens) =>
      createCustomTokenSource(async ({ roomName }) => ({ serverUrl: SERVER_URL, participantToken: tokens.get(roomName) })),
  },
  {
    name: "ours, in an app's QueryClient holding 1 000 queries of its own",
    create: (tokens, queryClient) =>
      createCustomTokenSource(async ({ roomName }) => ({ serverUrl: SERVER_URL, participantToken: tokens.get(roomName) }), { queryClient }),
    appClient: true,
  },
  {
    name: 'reference: TanStack Query alone (per room: build, `Query.fetch` with a JWT decode, remove the previous; no code of ours)',
    create: (tokens) => tanstackAlone(tokens),
  },
];

/**
 * The floor for any source whose cache engine is TanStack Query: what the engine itself costs
 * per missed room, with the one piece of token work both real sides do (decoding the JWT).
 */
function tanstackAlone(tokens) {
  const client = new QueryClient();
  const cache = client.getQueryCache();
  let previous;
  return {
    async fetch({ roomName }) {
      const options = client.defaultQueryOptions({
        queryKey: ['bench', roomName],
        queryFn: async () => {
          const response = { serverUrl: SERVER_URL, participantToken: tokens.get(roomName) };
          decodeTokenPayload(response.participantToken);
          return response;
        },
        gcTime: Infinity,
        retry: 0,
      });
      const query = cache.build(client, options);
      const response = await query.fetch(options);
      if (previous) cache.remove(previous);
      previous = query;
      return response;
    },
  };
}

async function appClient() {
  const queryClient = new QueryClient();
  for (let i = 0; i < 1_000; i++)
    await queryClient.prefetchQuery({ queryKey: ['todos', i], queryFn: () => ({ id: i, title: `todo ${i}` }) });
  return queryClient;
}

async function measure(side, tokens, prefix, n = count) {
  const queryClient = side.appClient ? await appClient() : undefined;
  globalThis.gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const source = side.create(tokens, queryClient);
  const slice = Math.max(1, Math.floor(n / 10));
  let firstSliceMs = 0;
  let lastSliceMs = 0;
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const before = i < slice || i >= n - slice ? performance.now() : 0;
    await source.fetch({ roomName: `${prefix}-${i}` });
    if (i < slice) firstSliceMs += performance.now() - before;
    else if (i >= n - slice) lastSliceMs += performance.now() - before;
  }
  const totalMs = performance.now() - started;
  globalThis.gc();
  const heapAfter = process.memoryUsage().heapUsed;
  // Keep the source (and the app's client) alive until after the second reading.
  if (!source || (queryClient && !queryClient.getQueryCache())) throw new Error('unreachable');
  return { totalMs, heapGrowth: heapAfter - heapBefore, firstUs: (firstSliceMs / slice) * 1000, lastUs: (lastSliceMs / slice) * 1000 };
}

// A warm-up pass per side on rooms of their own, then rounds on fresh rooms, every side once per round.
const warmTokens = await mintAll('warm', Math.min(count, 2_000));
for (let pass = 0; pass < 2; pass++) for (const side of sides) await measure(side, warmTokens, 'warm', Math.min(count, 2_000));
const runs = sides.map(() => []);
for (let round = 0; round < rounds; round++) {
  const prefix = `r${round}`;
  const tokens = await mintAll(prefix, count);
  // The order flips every round, so that no side always runs right after the same one.
  const order = [...sides.keys()];
  for (const index of round % 2 === 0 ? order : order.reverse()) runs[index][round] = await measure(sides[index], tokens, prefix);
}
console.log(JSON.stringify(sides.map((side, index) => ({ name: side.name, runs: runs[index] }))));
