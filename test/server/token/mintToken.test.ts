// @vitest-environment node
import { AccessToken, TrackSource, type VideoGrant } from 'livekit-server-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mintToken } from '../../../src/server/token/mintToken';
import type { TokenPlan } from '../../../src/server/token/planToken';
import { API_KEY, API_SECRET } from '../../helpers/tokens';
import { verifyToken } from '../verify';

const credentials = { apiKey: API_KEY, apiSecret: API_SECRET, ttlSeconds: 600 };
const plan = (fields: Partial<TokenPlan> = {}): TokenPlan => ({
  identity: 'alice',
  grants: {},
  roomName: 'standup',
  agents: [],
  ...fields,
});
const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, any>;

afterEach(() => vi.useRealTimers());

describe('mintToken', () => {
  it('signs the identity, the room with the default grants, and the lifetime from now', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2030-01-01T00:00:00.500Z') });
    const jwt = await mintToken(plan(), { ...credentials, ttlSeconds: 90 });
    const now = Date.UTC(2030, 0, 1) / 1000;
    expect(payloadOf(jwt)).toEqual({
      video: { canPublish: true, canSubscribe: true, canPublishData: true, room: 'standup', roomJoin: true },
      iss: API_KEY,
      exp: now + 90,
      nbf: now,
      sub: 'alice',
    });
  });

  it('leaves out an empty name and metadata, as the SDK does', async () => {
    const claims = payloadOf(await mintToken(plan({ name: '', metadata: '' }), credentials));
    expect(claims).not.toHaveProperty('name');
    expect(claims).not.toHaveProperty('metadata');
  });

  it('writes the name, metadata and attributes planned', async () => {
    const claims = await verifyToken(
      await mintToken(plan({ name: 'Alice', metadata: '{"a":1}', attributes: { team: 'blue' } }), credentials),
    );
    expect(claims).toMatchObject({ name: 'Alice', metadata: '{"a":1}', attributes: { team: 'blue' } });
  });

  it('puts the planned grants over the defaults, but never another room', async () => {
    const grants = { canPublish: false, room: 'elsewhere', roomJoin: false } as TokenPlan['grants'];
    expect((await verifyToken(await mintToken(plan({ grants }), credentials))).video).toMatchObject({
      canPublish: false,
      canSubscribe: true,
      room: 'standup',
      roomJoin: true,
    });
  });

  it('writes canPublishSources by name, as livekit-server-sdk does', async () => {
    const grants = {
      canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE, TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO],
    };
    expect(payloadOf(await mintToken(plan({ grants }), credentials)).video.canPublishSources).toEqual([
      'camera',
      'microphone',
      'screen_share',
      'screen_share_audio',
    ]);
  });

  it.each([
    ['an unknown source', 9],
    ['the unknown source 0', 0],
    ['a source given as a numeric string', '1'],
    ['a source given by name', 'camera'],
  ])('throws the SDK’s TypeError for %s in canPublishSources', async (_, source) => {
    const grants = { canPublishSources: [source] } as unknown as TokenPlan['grants'];
    const sdk = new AccessToken(API_KEY, API_SECRET, { identity: 'alice' });
    sdk.addGrant({ room: 'standup', roomJoin: true, ...(grants as VideoGrant) });
    const expected = `Cannot convert TrackSource ${String(source)} to string`;
    await expect(sdk.toJwt()).rejects.toThrow(expected);
    expect(() => mintToken(plan({ grants }), credentials)).toThrow(TypeError);
    expect(() => mintToken(plan({ grants }), credentials)).toThrow(expected);
  });

  it('dispatches the planned agents through roomConfig, and writes no roomConfig without any', async () => {
    const agents = [
      { agentName: 'notes', metadata: 'm' },
      { agentName: 'support', deployment: 'prod' },
    ];
    const claims = await verifyToken(await mintToken(plan({ agents }), credentials));
    expect(claims.roomConfig?.agents?.map(({ agentName, metadata, deployment }) => ({ agentName, metadata, deployment }))).toEqual([
      { agentName: 'notes', metadata: 'm', deployment: '' },
      { agentName: 'support', metadata: '', deployment: 'prod' },
    ]);
    expect(payloadOf(await mintToken(plan(), credentials))).not.toHaveProperty('roomConfig');
  });
});
