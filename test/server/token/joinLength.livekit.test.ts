// @vitest-environment node
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingServerBinary } from '../../../scripts/livekit-server.mjs';
import { createTokenHandler, type AuthorizedParticipant } from '../../../src/server';
import { livekitLimits } from '../../../src/core/livekitLimits';
import { mintToken } from '../../../src/server/token/mintToken';
import type { TokenPlan } from '../../../src/server/token/planToken';
import { skipWithout } from '../../helpers/prerequisites';
import { API_KEY, API_SECRET } from '../../helpers/tokens';
import { handlerConfig, tokenRequest } from '../handlerConfig';
import { startTestLiveKitServer } from '../livekitTestServer';
import { propertyRuns } from '../../helpers/propertyRuns';

/**
 * The promise of the token handler: a token it issues joins the real LiveKit server, or it refuses
 * the request before the caller's limits count it. A join carries its token in the signal URL,
 * and LiveKit's server (Go's net/http) answers 431 to a URL and headers longer than 1 MiB + 4 KiB.
 * Joins go to a real LiveKit server on loopback, as the WebSocket upgrade livekit-client sends.
 */
const noServer = skipWithout(missingServerBinary());
let port = 0;
let server: { stop(): Promise<void> } | undefined;

beforeAll(async () => {
  if (!noServer) ({ port, server } = await startTestLiveKitServer('join'));
}, 90_000);
afterAll(() => server?.stop(), 30_000);

/**
 * What a join from Chromium carries besides its token: livekit-client 2.23 joins over `/rtc/v1`
 * with a `join_request` holding its gzipped offer; measured, its URL and headers took 2 983 bytes
 * more than the token. Each join here is padded to 3 KiB more.
 */
const JOIN_BYTES_BESIDES_TOKEN = 3 * 1024;

/** The status of a WebSocket join with `token` to the real server, as large as Chromium's: 101 when it joins. */
function join(token: string): Promise<number> {
  const path = `/rtc?access_token=${token}&auto_subscribe=1&sdk=js&version=2.23.0&protocol=16&client_protocol=1`;
  const headers: Record<string, string> = {
    Host: `127.0.0.1:${port}`,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits',
    'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    Origin: 'http://localhost:3000',
  };
  // The request's head as written: its line, each header and the blank line, topped up with one more header.
  const head = () =>
    `GET ${path} HTTP/1.1\r\n${Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}\r\n`;
  const padding = 'X-Padding: \r\n';
  headers['X-Padding'] = 'p'.repeat(token.length + JOIN_BYTES_BESIDES_TOKEN - Buffer.byteLength(head()) - padding.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, setHost: false });
    req.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const plan = (metadata: string): TokenPlan => ({
  identity: `p-${randomBytes(6).toString('hex')}`,
  grants: {},
  roomName: 'join-bound',
  agents: [],
  metadata,
});
const mint = (metadata: string) => mintToken(plan(metadata), { apiKey: API_KEY, apiSecret: API_SECRET, ttlSeconds: 600 }) as string;

/** The longest token of at most `length` characters, its metadata (within LiveKit's 512 KiB) mostly control characters, 6 bytes each in JSON. */
function tokenOfAtMost(length: number): string {
  const base = mint('').length;
  const sixes = Math.floor(((length - base) * 3) / 4 / 6) - 10;
  let padding = 0;
  while (mint('\u0001'.repeat(sixes) + 'a'.repeat(padding + 1)).length <= length) padding++;
  return mint('\u0001'.repeat(sixes) + 'a'.repeat(padding));
}

/** Runs of the property (40); raise them and pick the seed to explore: `JOIN_LENGTH_PROPERTY_RUNS=400 JOIN_LENGTH_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('JOIN_LENGTH_PROPERTY', 40);

describe.skipIf(noServer)('a token the handler issues joins the real LiveKit server', { timeout: 120_000 }, () => {
  it('joins with a token at the bound (livekitLimits.joinTokenBytes) and is refused 431 past what a join can carry', async () => {
    const atBound = tokenOfAtMost(livekitLimits.joinTokenBytes);
    expect(atBound.length).toBeGreaterThan(livekitLimits.joinTokenBytes - 4);
    expect(await join(atBound)).toBe(101);
    // LiveKit's edge, beside the same 3 KiB: 1 MiB + 4 KiB of URL and headers in all.
    const edge = 2 ** 20 + 4096 - JOIN_BYTES_BESIDES_TOKEN;
    expect(await join(tokenOfAtMost(edge - 8))).toBe(101);
    expect(await join(tokenOfAtMost(edge + 8))).toBe(431);
  });

  it('refuses metadata from authorize that JSON makes too long to join, naming it, before the limits count', async () => {
    const errors: unknown[] = [];
    let metadata = '\u0001'.repeat(200 * 1024); // 200 KiB, within LiveKit's 512 KiB; 1.2 MiB of JSON
    const handler = createTokenHandler(
      handlerConfig({
        authorize: () => ({ identity: 'alice', metadata }),
        limits: { tokens: { limit: 1, windowSeconds: 60 } },
        onError: (error) => void errors.push(error),
      }),
    );
    const response = await handler(tokenRequest({ room_name: 'join-bound' }));
    const body = (await response.json()) as { participant_token?: string; error?: { code: string } };
    if (body.participant_token)
      expect({ status: response.status, join: await join(body.participant_token) }).toEqual({ status: 201, join: 101 });
    expect(response.status).toBe(500);
    expect(body.error?.code).toBe('internal_error');
    expect(String(errors[0])).toMatch(/longer than a join can carry.*metadata \d+/);
    // Nothing was counted: the caller's one token is still there.
    metadata = 'ok';
    expect((await handler(tokenRequest({ room_name: 'join-bound' }))).status).toBe(201);
    expect((await handler(tokenRequest({ room_name: 'join-bound' }))).status).toBe(429);
  });

  it('issues only tokens within the bound, and counts nothing for what it refuses (any authorize output)', async () => {
    const piece = fc.record({
      unit: fc.constantFrom('a', '\u0001', '"', 'é', '€', '😀', '\n'),
      count: fc.integer({ min: 0, max: 90_000 }),
    });
    const text = (pieces: { unit: string; count: number }[]) => pieces.map(({ unit, count }) => unit.repeat(count)).join('');
    const output = fc.record({
      metadata: fc.array(piece, { maxLength: 4 }).map(text),
      attribute: fc.array(piece, { maxLength: 2 }).map((pieces) => text(pieces).slice(0, 10_000)),
      agentMetadata: fc.array(piece, { maxLength: 3 }).map(text),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(output, async ({ metadata, attribute, agentMetadata }) => {
        const identity = `caller-${run++}`;
        let participant: AuthorizedParticipant = { identity, metadata, attributes: { a: attribute } };
        const handler = createTokenHandler(
          handlerConfig({
            authorize: () => participant,
            agents: () => true,
            maxBodyBytes: 4 * 2 ** 20,
            limits: { tokens: { limit: 1, windowSeconds: 60 } },
            onError: () => {},
          }),
        );
        const response = await handler(tokenRequest({ room_config: { agents: [{ agent_name: 'a', metadata: agentMetadata }] } }));
        const body = (await response.json()) as { participant_token?: string };
        if (response.status === 201) {
          expect(body.participant_token!.length).toBeLessThanOrEqual(livekitLimits.joinTokenBytes);
          return;
        }
        participant = { identity };
        expect((await handler(tokenRequest({}))).status).toBe(201);
      }),
      { numRuns: RUNS, ...seed },
    );
  });
});

/**
 * livekitLimits against the real server's join: what it checks there (identity and room name,
 * metadata, attributes) joins at the bound and is refused one byte past it; the name and an agent's
 * metadata it checks only on update (UpdateParticipant, CreateDispatch), so the handler's own
 * bound for them refuses what a join would take — on purpose, see livekitLimits.
 */
describe.skipIf(noServer)("LiveKit's per-field limits, at a real join", { timeout: 120_000 }, () => {
  /** `bytes` of UTF-8, two-byte characters and an ASCII top-up. */
  const text = (bytes: number) => 'é'.repeat(bytes >> 1) + 'a'.repeat(bytes & 1);
  const joinWith = (fields: Partial<TokenPlan>) =>
    join(mintToken({ ...plan(''), ...fields }, { apiKey: API_KEY, apiSecret: API_SECRET, ttlSeconds: 600 }) as string);

  it.each([
    ['identity', livekitLimits.nameBytes, (bytes: number) => ({ identity: text(bytes) }), 400],
    ['room name', livekitLimits.nameBytes, (bytes: number) => ({ roomName: text(bytes) }), 400],
    ['metadata', livekitLimits.metadataBytes, (bytes: number) => ({ metadata: text(bytes) }), 500],
    ['attributes', livekitLimits.attributesBytes, (bytes: number) => ({ attributes: { k: text(bytes - 1) } }), 500],
  ] as const)('joins with the %s at its bound and is refused one byte past it', async (_, bound, fields, refusal) => {
    expect(await joinWith(fields(bound))).toBe(101);
    expect(await joinWith(fields(bound + 1))).toBe(refusal);
  });

  it('joins with a room name or identity holding a control character, as another room or participant: the handler refuses them (400)', async () => {
    const handler = createTokenHandler(handlerConfig({ authorize: () => ({ identity: 'mallory', allowRequestedIdentity: true }) }));
    for (const control of ['\u0000', '\n', '\u001B', '\u007F', '\u0085']) {
      expect(await joinWith({ roomName: `standup${control}` })).toBe(101);
      expect(await joinWith({ identity: `alice${control}` })).toBe(101);
      for (const body of [{ room_name: `standup${control}` }, { participant_identity: `alice${control}` }]) {
        expect((await handler(tokenRequest(body))).status).toBe(400);
      }
    }
  });

  it('joins with a name or an agent metadata past the bound livekitLimits holds them to (LiveKit checks them on update only)', async () => {
    expect(await joinWith({ name: text(livekitLimits.nameBytes + 1) })).toBe(101);
    const agents = [{ agentName: 'x', metadata: text(livekitLimits.metadataBytes + 1) }];
    expect(await joinWith({ roomName: 'agent-metadata', agents })).toBe(101);
  });
});
