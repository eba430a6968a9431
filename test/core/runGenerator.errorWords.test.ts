// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import type { CustomTokenError } from '../../src/core/errors';
import type { TokenGenerator, TokenResponse } from '../../src/core/types';
import { listen, type Listening } from '../server/listen';

/**
 * README "2. The hook": its generator throws `new Error(await response.text())` with the status.
 * Behind a proxy, that text is the proxy's HTML error page, and the error's message — shown by
 * `ErrorNotice` (an alert a screen reader reads out whole) and `TokenStatusView`, and logged — was
 * the whole page, markup and line breaks included. The message keeps what the page says, on one
 * line and short, as `createEndpointGenerator`'s does; the thrown error stays its `cause`.
 */
let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const NGINX_502 = `<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.27.3</center>\r\n</body>\r\n</html>\r\n${'<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n'.repeat(6)}`;

/** The README's hook sample's generator, as written there. */
const readmeGenerator =
  (url: string): TokenGenerator =>
  async (request, { signal }) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal,
    });
    if (!response.ok) throw Object.assign(new Error(await response.text()), { status: response.status });
    return (await response.json()) as TokenResponse;
  };

async function failure(generator: TokenGenerator) {
  const source = createCustomTokenSource(generator, { retries: 0 });
  return source.fetch({ roomName: 'standup' }).then(
    () => expect.unreachable('resolved'),
    (error: unknown) => error as CustomTokenError,
  );
}

describe("a generator's error message, as the token source reports it", () => {
  it('shows a proxy’s HTML error page that the README’s generator threw by its title, and keeps the page in the cause', async () => {
    server = await listen((req, res) => {
      req.resume();
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end(NGINX_502);
    });
    const error = await failure(readmeGenerator(`${server.origin}/api/livekit-token`));
    expect(error).toMatchObject({ code: 'http', status: 502 });
    expect(error.message).toBe('The token generator failed with HTTP 502: 502 Bad Gateway');
    expect((error.cause as Error).message).toBe(NGINX_502);
  });

  it('puts a message of many lines on one, at most 300 characters of it', async () => {
    const words = `first line\nsecond line\r\n${'x'.repeat(400)}`;
    const error = await failure(async () => {
      throw new Error(words);
    });
    expect(error).toMatchObject({ code: 'generator_failed' });
    const said = error.message.slice('The token generator failed: '.length);
    expect(said.startsWith('first line second line xxx')).toBe(true);
    expect(said).toHaveLength(301);
    expect(said.endsWith('x…')).toBe(true);
    expect((error.cause as Error).message).toBe(words);
  });
});
