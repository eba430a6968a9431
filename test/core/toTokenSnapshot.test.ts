import { describe, expect, it } from 'vitest';
import { toTokenSnapshot } from '../../src/core/toTokenSnapshot';
import { NOW, queryStateWith as stateWith, tokenDetails as token } from '../helpers/queryState';

describe('toTokenSnapshot', () => {
  it('is idle, with no token and no error, before anything was fetched', async () => {
    expect(toTokenSnapshot(undefined, NOW, 0)).toEqual({
      status: 'idle',
      token: null,
      expiresAt: null,
      identity: undefined,
      room: undefined,
      grants: undefined,
      error: null,
      generatorCalls: 0,
    });
    expect(toTokenSnapshot(await stateWith(undefined), NOW, 0).status).toBe('idle');
  });

  it('is ready until expiresAt and expired from it on', async () => {
    const state = await stateWith(token({ staleAt: NOW, expiresAt: NOW + 1 }));
    expect(toTokenSnapshot(state, NOW, 1)).toMatchObject({
      status: 'ready',
      expiresAt: NOW + 1,
      identity: 'alice',
      room: 'A',
      generatorCalls: 1,
    });
    expect(toTokenSnapshot(state, NOW + 1, 1).status).toBe('expired');
  });

  it('is ready, never expired, for a token without exp', async () => {
    expect(toTokenSnapshot(await stateWith(token({ staleAt: null })), NOW + 1e12, 1).status).toBe('ready');
  });
});
