import { describe, expect, it } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import { CustomTokenError } from '../../src/core/errors';
import { mintToken } from '../helpers/tokens';

/** What `createEndpointGenerator(url)` throws, or `undefined`. */
function thrownMaking(url: string | URL): unknown {
  try {
    createEndpointGenerator(url);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('createEndpointGenerator: a URL fetch would refuse fails when the generator is made, not after retries', () => {
  it('throws generator_failed, not retryable, naming the URL, for a URL that does not parse', () => {
    const error = thrownMaking('http://[bad');
    expect(error).toBeInstanceOf(CustomTokenError);
    expect(error).toMatchObject({ code: 'generator_failed', retryable: false });
    expect((error as Error).message).toContain('The token endpoint URL http://[bad is not a valid URL');
  });

  it.each(['https://alice:s3cret@auth.example/api/token', 'https://alice@auth.example/api/token', '//alice:s3cret@auth.example/api/token'])(
    'throws generator_failed, not retryable, for a URL with a user name or password in it (%s), without repeating them',
    (url) => {
      const error = thrownMaking(url);
      expect(error).toBeInstanceOf(CustomTokenError);
      expect(error).toMatchObject({ code: 'generator_failed', retryable: false });
      expect((error as Error).message).toContain('has a user name or password in it');
      expect((error as Error).message).not.toMatch(/alice|s3cret/);
    },
  );

  it("resolves a relative URL against the page's location, as fetch does, and gets a token through it", async () => {
    const participantToken = await mintToken({ room: 'A' });
    const asked: string[] = [];
    const generator = createEndpointGenerator('/api/token', {
      fetch: async (input) => {
        asked.push(new URL(input as string, location.href).href);
        return Response.json({ server_url: 'wss://lk.example', participant_token: participantToken }, { status: 201 });
      },
    });
    await expect(createCustomTokenSource(generator).fetch({ roomName: 'A' })).resolves.toMatchObject({ participantToken });
    expect(asked).toEqual([new URL('/api/token', location.href).href]);
  });

  it('takes a URL object as a string', () => {
    expect(thrownMaking(new URL('https://auth.example/api/token'))).toBeUndefined();
    expect(thrownMaking(new URL('https://user:pass@auth.example/api/token'))).toMatchObject({ code: 'generator_failed' });
  });
});
