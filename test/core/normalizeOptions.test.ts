import { describe, expect, it } from 'vitest';
import { createCustomTokenSource, type TokenFetchOptions } from '../../src/index.js';
import { mintingGenerator } from '../helpers/generators.js';

/** What an app sees when it passes a fetch option of the wrong type (an easy slip from plain JavaScript). */
async function invalidOptionsMessage(options: Record<string, unknown>): Promise<string> {
  const source = createCustomTokenSource(mintingGenerator());
  const error = await source.fetch(options as TokenFetchOptions).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'invalid_options' });
  return (error as Error).message;
}

describe('invalid fetch options are described, not printed', () => {
  it('names a function as a function, without its source text', async () => {
    const getRoom = () => 'standup-from-a-function-body';
    const message = await invalidOptionsMessage({ roomName: getRoom });
    expect(message).toBe('Token fetch option `roomName` must be a string, got a function.');
  });

  it('names a symbol by its description', async () => {
    const message = await invalidOptionsMessage({ participantIdentity: Symbol('ada') });
    expect(message).toBe('Token fetch option `participantIdentity` must be a string, got Symbol(ada).');
  });

  it('names objects, arrays and primitives as before', async () => {
    expect(await invalidOptionsMessage({ roomName: { name: 'standup' } })).toBe(
      'Token fetch option `roomName` must be a string, got an object.',
    );
    expect(await invalidOptionsMessage({ roomName: ['standup'] })).toBe('Token fetch option `roomName` must be a string, got an array.');
    expect(await invalidOptionsMessage({ participantAttributes: { team: 7 } })).toBe(
      'Token fetch option `participantAttributes.team` must be a string, got number 7.',
    );
  });
});
