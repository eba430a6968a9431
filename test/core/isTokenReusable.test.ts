import { describe, expect, it } from 'vitest';
import { isTokenReusable } from '../../src/core/isTokenReusable';
import { NOW, queryStateWith as stateWith, tokenDetails as token } from '../helpers/queryState';

describe('isTokenReusable', () => {
  it('reuses a token until its staleAt, not at it', async () => {
    const state = await stateWith(token({ staleAt: NOW + 1 }));
    expect(isTokenReusable(state, NOW)).toBe(true);
    expect(isTokenReusable(state, NOW + 1)).toBe(false);
  });

  it('does not reuse when there is no token yet', async () => {
    expect(isTokenReusable(await stateWith(undefined), NOW)).toBe(false);
  });

  it('does not reuse a token a forced or failed fetch invalidated, however fresh', async () => {
    expect(isTokenReusable(await stateWith(token({ staleAt: NOW + 60_000 }), { invalidated: true }), NOW)).toBe(false);
  });

  it('never reuses a token without exp (staleAt null)', async () => {
    expect(isTokenReusable(await stateWith(token({ staleAt: null })), NOW)).toBe(false);
  });

  it('does not reuse a token that arrived further ahead of now than its margin: the clock was set back since', async () => {
    const state = await stateWith(token({ receivedAt: NOW, expiresAt: NOW + 10 * 60_000, staleAt: NOW + 9 * 60_000 }));
    expect(isTokenReusable(state, NOW)).toBe(true);
    // A token hydrated from a server whose clock runs up to the margin ahead is still reused.
    expect(isTokenReusable(state, NOW - 60_000)).toBe(true);
    expect(isTokenReusable(state, NOW - 60_001)).toBe(false);
  });
});
