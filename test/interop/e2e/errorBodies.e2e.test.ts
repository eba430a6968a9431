import { describe, expect, inject, it } from 'vitest';
import { createEndpointGenerator } from '../../../src/core/createEndpointGenerator';
import { CustomTokenError } from '../../../src/core/errors';

/**
 * What the endpoints written with LiveKit's Go and Python SDKs answer to a request they cannot
 * read — Go's `http.Error`: the words as text/plain; the Python one: `{ "error": "…" }` — reaches
 * the typed error's message, as this package's own `{ error: { code, message } }` does.
 */
describe.each([
  { sdk: 'Go (server-sdk-go)', url: () => inject('goEndpoint') },
  { sdk: 'Python (livekit-api)', url: () => inject('pythonEndpoint') },
])('an error answer of the standard token endpoint written with LiveKit’s $sdk SDK', ({ url }) => {
  it('puts the endpoint’s own words in the http error’s message, on one line', async () => {
    const generator = createEndpointGenerator(url());
    // room_config.agents must be a list: both SDKs refuse the request with 400 and say why.
    const request = { roomName: 'interop-error', roomConfig: { agents: 'support-agent' } as never };
    const error = await generator(request, { signal: new AbortController().signal, attempt: 1 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(CustomTokenError);
    expect(error).toMatchObject({ code: 'http', status: 400 });
    const { message } = error as CustomTokenError;
    expect(message).toMatch(/^The token endpoint http:\/\/127\.0\.0\.1:\d+\S* answered HTTP 400: invalid request: \S/);
    expect(message).toMatch(/agent/);
    expect(message).not.toMatch(/[\n\r\t]/);
  });
});
