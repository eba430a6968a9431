// @vitest-environment node
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { CustomTokenError } from '../../src/core/errors';
import { mintToken } from '../helpers/tokens';

/** A token minted by one of LiveKit's server SDKs (`test/interop/<sdk>/token.json`; README.md says how to re-mint). */
interface Fixture {
  sdk: string;
  version: string;
  /** Unix seconds at which the minting script ran. */
  mintedAt: number;
  token: string;
  /** The same request with every optional claim (README.md): metadata, attributes, limited sources, 30 days, agent metadata. */
  fullToken?: string;
}

const SDK_FOLDERS = ['node', 'go', 'python', 'rust', 'java'] as const;
const fixtures = SDK_FOLDERS.map((folder) => ({
  folder,
  ...(JSON.parse(readFileSync(new URL(`./${folder}/token.json`, import.meta.url), 'utf8')) as Fixture),
}));

/** What every minting script asks for. */
const REQUESTED = {
  roomName: 'interop-room',
  participantIdentity: 'interop-user',
  participantName: 'Interop User',
  agentName: 'e2e-agent',
};
/** The lifetime every minting script sets. */
const TTL_SECONDS = 15 * 60;
const SERVER_URL = 'ws://127.0.0.1:7880';

interface Claims {
  exp: number;
  iat?: number;
  nbf?: number;
  metadata?: string;
  attributes?: Record<string, string>;
  video?: Record<string, unknown>;
  roomConfig?: { agents?: Record<string, unknown>[] };
}

function claims(token: string): Claims {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Claims;
}

/** The token's lifetime as its SDK wrote it; a token without iat/nbf is measured from the recorded mint time. */
function sdkLifetimeSeconds({ token, mintedAt }: Pick<Fixture, 'token' | 'mintedAt'>): number {
  const { exp, iat, nbf } = claims(token);
  return exp - (iat ?? nbf ?? mintedAt);
}

describe.each(fixtures)('a token minted by $sdk $version ($folder)', (fixture) => {
  afterEach(() => vi.useRealTimers());

  /** The source sees the token at the moment it was minted, so no wall clock decides the test. */
  function sourceAtMintTime() {
    vi.useFakeTimers({ now: fixture.mintedAt * 1000 });
    const generator = vi.fn(async () => ({ serverUrl: SERVER_URL, participantToken: fixture.token }));
    return { generator, source: createCustomTokenSource(generator) };
  }

  it('is accepted for the room, identity and agent it was minted for', async () => {
    const { source } = sourceAtMintTime();
    const response = await source.fetch(REQUESTED);
    expect(response).toEqual({ serverUrl: SERVER_URL, participantToken: fixture.token });
    const { status, token, error } = source.getSnapshot();
    expect({ status, error }).toEqual({ status: 'ready', error: null });
    expect(token).toMatchObject({ identity: 'interop-user', name: 'Interop User', room: 'interop-room', agentNames: ['e2e-agent'] });
    expect(token?.grants.roomJoin).toBe(true);
  });

  it('lives as long as the SDK made it live', async () => {
    const { source } = sourceAtMintTime();
    await source.fetch(REQUESTED);
    const { token } = source.getSnapshot();
    const lifetimeSeconds = sdkLifetimeSeconds(fixture);
    expect(token!.expiresAt! - token!.receivedAt).toBe(lifetimeSeconds * 1000);
    // Java signs a few seconds after the recorded mint time and writes no iat/nbf; the others are exact.
    expect(lifetimeSeconds).toBeGreaterThanOrEqual(TTL_SECONDS);
    expect(lifetimeSeconds).toBeLessThan(TTL_SECONDS + 10);
  });

  it('is reused until a minute before that lifetime ends, then minted again', async () => {
    const { source, generator } = sourceAtMintTime();
    await source.fetch(REQUESTED);
    const reuseMs = (sdkLifetimeSeconds(fixture) - 60) * 1000;
    await vi.advanceTimersByTimeAsync(reuseMs - 1);
    await source.fetch(REQUESTED);
    expect(generator).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await source.fetch(REQUESTED);
    expect(generator).toHaveBeenCalledTimes(2);
  });

  it('is refused with a typed mismatch when another agent was asked for', async () => {
    const { source } = sourceAtMintTime();
    const error = await source.fetch({ ...REQUESTED, agentName: 'another-agent' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CustomTokenError);
    expect(error).toMatchObject({ code: 'mismatch' });
    expect((error as Error).message).toContain('another-agent');
  });
});

/** The SDKs whose minting script also writes `fullToken`: all of them. */
const fullFixtures = fixtures.flatMap(({ fullToken, ...fixture }) => (fullToken ? [{ ...fixture, fullToken }] : []));
const THIRTY_DAYS_SECONDS = 30 * 24 * 3600;

describe.each(fullFixtures)('a token with every optional claim minted by $sdk $version ($folder)', (fixture) => {
  afterEach(() => vi.useRealTimers());

  /**
   * The fixture's token first, then what an endpoint does on every call: a token minted anew (at
   * the fake clock's time). Handed the same token again, a source reads one without iat/nbf
   * (Java's) by its exp — a minute left, a refresh sooner still — where one with either gets its
   * whole lifetime again.
   */
  function sourceAtMintTime() {
    vi.useFakeTimers({ now: fixture.mintedAt * 1000 });
    let calls = 0;
    const generator = vi.fn(async () => ({
      serverUrl: SERVER_URL,
      participantToken:
        calls++ === 0
          ? fixture.fullToken
          : await mintToken({ identity: 'interop-user', name: 'Interop User', room: 'interop-room', agentName: 'e2e-agent', ttl: '30d' }),
    }));
    return { generator, source: createCustomTokenSource(generator) };
  }

  it('is accepted, its grants read as the SDK wrote them: limited sources, no data, own metadata', async () => {
    const { source } = sourceAtMintTime();
    expect(await source.fetch(REQUESTED)).toEqual({ serverUrl: SERVER_URL, participantToken: fixture.fullToken });
    const { status, token } = source.getSnapshot();
    expect(status).toBe('ready');
    expect(token).toMatchObject({ identity: 'interop-user', name: 'Interop User', room: 'interop-room', agentNames: ['e2e-agent'] });
    expect(token?.grants).toMatchObject({
      roomJoin: true,
      room: 'interop-room',
      canPublishSources: ['camera', 'screen_share'],
      canPublishData: false,
      canUpdateOwnMetadata: true,
    });
  });

  // 30 days is longer than a timer holds (2^31 - 1 ms, about 24.8 days; a longer one fires at once).
  // Seconds of CPU under load: 60 s, like the other long-running tests.
  it('lives its 30 days, and a subscribed source refreshes it ahead once, a minute before they end', { timeout: 60_000 }, async () => {
    const { source, generator } = sourceAtMintTime();
    const unsubscribe = source.subscribe(() => {});
    await source.fetch(REQUESTED);
    const { token } = source.getSnapshot();
    const lifetimeMs = sdkLifetimeSeconds({ token: fixture.fullToken, mintedAt: fixture.mintedAt }) * 1000;
    expect(token!.expiresAt! - token!.receivedAt).toBe(lifetimeMs);
    // Java signs after the recorded mint time and writes no iat/nbf; the others are exact.
    expect(lifetimeMs).toBeGreaterThanOrEqual(THIRTY_DAYS_SECONDS * 1000);
    expect(lifetimeMs).toBeLessThan((THIRTY_DAYS_SECONDS + 10) * 1000);
    await vi.advanceTimersByTimeAsync(lifetimeMs - 61_000);
    expect(generator).toHaveBeenCalledTimes(1);
    expect(source.getSnapshot().status).toBe('ready');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(generator).toHaveBeenCalledTimes(2);
    unsubscribe();
  });
});

describe('the fixtures', () => {
  it('carry a token with every optional claim from every SDK, as README.md describes it', () => {
    expect(fullFixtures.map((fixture) => fixture.folder)).toEqual(['node', 'go', 'python', 'rust', 'java']);
    for (const { fullToken, mintedAt } of fullFixtures) {
      const { metadata, attributes, video, roomConfig } = claims(fullToken);
      expect({ metadata, attributes }).toEqual({ metadata: '{"plan":"pro"}', attributes: { team: 'blue' } });
      expect(sdkLifetimeSeconds({ token: fullToken, mintedAt }) - THIRTY_DAYS_SECONDS).toBeOneOf([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(video).toMatchObject({ canPublishSources: ['camera', 'screen_share'], canPublishData: false, canUpdateOwnMetadata: true });
      // Java writes the agent's name in snake case (livekit-client's decodeTokenPayload maps it).
      const { agentName, agent_name, ...agent } = roomConfig?.agents?.[0] ?? {};
      expect({ agentName: agentName ?? agent_name, ...agent }).toMatchObject({ agentName: 'e2e-agent', metadata: '{"lang":"en"}' });
    }
  });

  it('cover every claim layout the SDKs write: with iat, with only nbf, and with neither', () => {
    const layouts = Object.fromEntries(fixtures.map((fixture) => [fixture.folder, layout(claims(fixture.token))]));
    expect(layouts).toEqual({ node: 'nbf', go: 'iat+nbf', python: 'nbf', rust: 'nbf', java: 'neither' });
  });
});

function layout({ iat, nbf }: { iat?: number; nbf?: number }): string {
  if (iat !== undefined && nbf !== undefined) return 'iat+nbf';
  if (iat !== undefined) return 'iat';
  return nbf !== undefined ? 'nbf' : 'neither';
}
