import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenHandler } from '../../src/server';
import { handlerConfig, tokenRequest } from './handlerConfig';

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout' || kind === 'Immediate').length;

describe('the first token minted in-process during a server render (README "lib/initialToken.ts")', () => {
  it.each([
    ['without limits', {}],
    ['with memory limits', { limits: { tokens: { limit: 100, windowSeconds: 60 } } }],
  ])('leaves no timer that keeps Node alive, %s, and no identity across requests', async (_, extra) => {
    const handler = createTokenHandler(handlerConfig(extra));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = timers();
    const identities: string[] = [];
    for (const user of ['ada', 'bob', 'ada']) {
      const response = await handler(tokenRequest({ room_config: { agents: [] } }, { headers: { Authorization: `Bearer ${user}` } }));
      expect(response.status).toBe(201);
      const { participant_token } = (await response.json()) as { participant_token: string };
      identities.push(String(decodeJwt(participant_token).sub));
    }
    expect(identities).toEqual(['ada', 'bob', 'ada']);
    expect(timers()).toBe(before);
  });
});
