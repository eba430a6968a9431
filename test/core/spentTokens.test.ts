import { describe, expect, it } from 'vitest';
import { isPastSessionsRoom, markTokenSpent } from '../../src/core/spentTokens';

/** A page that runs sessions all day remembers its last 64 tokens, not every one: the memory stays bounded. */
describe('spentTokens', () => {
  const token = (n: number) => `spent-tokens-test.${n}`;
  const isTokenSpent = (participantToken: string) => isPastSessionsRoom({}, participantToken);

  it('remembers the last 64 tokens a session started with, forgetting the one used longest ago', () => {
    for (let n = 0; n <= 64; n++) markTokenSpent(token(n));
    expect(isTokenSpent(token(0)), 'the 65th token pushed out the first').toBe(false);
    for (let n = 1; n <= 64; n++) expect(isTokenSpent(token(n)), token(n)).toBe(true);
    expect(isTokenSpent('spent-tokens-test.never')).toBe(false);
  });

  it('a token started with again counts as used last: the next one pushes out another', () => {
    for (let n = 100; n < 164; n++) markTokenSpent(token(n));
    markTokenSpent(token(100));
    markTokenSpent(token(164));
    expect(isTokenSpent(token(100))).toBe(true);
    expect(isTokenSpent(token(101))).toBe(false);
  });

  it('a spent token is a past session’s room only where the server named the room: a room the options name is joined again', () => {
    markTokenSpent(token(200));
    expect(isPastSessionsRoom({ agentName: 'agent' }, token(200))).toBe(true);
    expect(isPastSessionsRoom({ roomName: 'standup' }, token(200))).toBe(false);
  });
});
