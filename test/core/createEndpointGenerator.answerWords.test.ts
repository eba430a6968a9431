// @vitest-environment node
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import type { CustomTokenError } from '../../src/core/errors';
import { listen, type Listening } from '../server/listen';

/**
 * What an answer that is no token says, in its own words: an HTML page, and (at the end) the JSON
 * error bodies of common web frameworks.
 *
 * A token endpoint that answers with an HTML page: a proxy's or CDN's error page in front of it,
 * a framework's 404 for a route not deployed, or the sign-in page an auth middleware redirects a
 * signed-out request to (which `fetch` follows, answering 200). The error says what came — the
 * status and a short excerpt on one line (README: "its message showing the endpoint's own words") —
 * so the developer reading it, or the user reading `ErrorNotice`, knows whose page it was.
 */
let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(answer: (path: string | undefined, res: ServerResponse) => void) {
  server = await listen((req, res) => {
    req.resume();
    req.on('end', () => answer(req.url, res));
  });
  return `${server.origin}/api/token`;
}

function html(res: ServerResponse, status: number, page: string) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(page);
}

/** Fetches through a source (retries fast) and returns the error and how many requests were made. */
async function failure(url: string) {
  const source = createCustomTokenSource(createEndpointGenerator(url), { retryDelayMs: 1, maxRetryDelayMs: 1 });
  return source.fetch({ roomName: 'standup' }).then(
    () => expect.unreachable('resolved'),
    (error: unknown) => error as CustomTokenError,
  );
}

const CDN_PAGE = `<!DOCTYPE html>
<html lang="en-US">
<head>
<title>app.example | 502: Bad gateway</title>
<style>body { font-family: system-ui; } .cf-error { color: #404040; }</style>
</head>
<body><div class="cf-error"><h1>Bad gateway</h1><span>Error code 502</span></div></body>
</html>`;

describe('createEndpointGenerator: an answer that is an HTML page', () => {
  it('shows a proxy error page’s title with the status, on one line, and retries the 502', async () => {
    let calls = 0;
    const url = await serve((_, res) => {
      calls += 1;
      html(res, 502, CDN_PAGE);
    });
    const error = await failure(url);
    expect(error).toMatchObject({ code: 'http', status: 502, retryable: true });
    expect(error.message).toBe(`The token endpoint ${url} answered HTTP 502: app.example | 502: Bad gateway`);
    expect(calls).toBe(3);
  });

  it('shows the text of a page without a title, its style and script left out', async () => {
    const url = await serve((_, res) =>
      html(
        res,
        504,
        '<html>\r\n<head><style>h1 { color: red }</style><script>var x = 1;</script></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
      ),
    );
    expect((await failure(url)).message).toBe(`The token endpoint ${url} answered HTTP 504: 504 Gateway Time-out nginx`);
  });

  it('says what came instead of a token when a redirect led to a sign-in page (200 text/html), not retried', async () => {
    let calls = 0;
    const url = await serve((path, res) => {
      calls += 1;
      if (path === '/api/token') {
        res.writeHead(302, { Location: '/login?next=%2Fapi%2Ftoken' });
        res.end();
      } else html(res, 200, '<!doctype html><html><head><title>Sign in · Acme</title></head><body><form>…</form></body></html>');
    });
    const error = await failure(url);
    expect(error).toMatchObject({ code: 'invalid_response', retryable: false });
    expect(error.message).toBe(
      `The token endpoint ${url} did not answer with { server_url, participant_token } JSON but HTTP 200 text/html from ${server!.origin}/login: Sign in · Acme`,
    );
    expect(calls).toBe(2);
  });

  it('keeps the excerpt of a long page to one line of at most 300 characters', async () => {
    const url = await serve((_, res) => html(res, 200, `<html><body><p>${'word '.repeat(500)}</p>\n<p>more</p></body></html>`));
    const { message } = await failure(url);
    expect(message).not.toMatch(/[\r\n]/);
    const excerpt = message.slice(message.indexOf('text/html: ') + 'text/html: '.length);
    expect(excerpt).toHaveLength(301);
    expect(excerpt.endsWith('…')).toBe(true);
  });

  it('reads a page of unclosed tags in time linear in its length (no regular expression backtracking)', async () => {
    // A megabyte of tags that never close, as a 200 (read up to 1 MiB + 4 KiB): a pattern that
    // scanned to the end of the page from each of its 150 000 '<' would take minutes.
    const page = '<title<script'.repeat(80_000).slice(0, 2 ** 20);
    const url = await serve((_, res) => html(res, 200, page));
    const started = performance.now();
    const error = await failure(url);
    expect(error).toMatchObject({ code: 'invalid_response' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

/**
 * The JSON error bodies of common web frameworks, beside this package's `{ error: { code, message } }`
 * and the Python SDK example's `{ error: "…" }`: their specific words, not the status phrase beside them.
 */
describe('createEndpointGenerator: the words of a JSON error body, whatever framework wrote it', () => {
  it.each([
    [
      'NestJS (ForbiddenException): message, beside the status phrase in error',
      403,
      'application/json',
      { message: 'You may not join this room', error: 'Forbidden', statusCode: 403 },
      'You may not join this room',
    ],
    ['Laravel and Express apps: a top-level message', 401, 'application/json', { message: 'Unauthenticated.' }, 'Unauthenticated.'],
    ['FastAPI (HTTPException): detail', 401, 'application/json', { detail: 'Not authenticated' }, 'Not authenticated'],
    [
      'RFC 9457 problem details (ASP.NET Core, Spring): detail, else title',
      403,
      'application/problem+json',
      { type: 'about:blank', title: 'Forbidden', status: 403, detail: 'Room "standup" is closed' },
      'Room "standup" is closed',
    ],
    [
      'RFC 9457 without a detail: its title',
      429,
      'application/problem+json',
      { title: 'Too many token requests', status: 429 },
      'Too many token requests',
    ],
  ])('shows %s', async (_, status, type, body, words) => {
    const url = await serve((__, res) => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(JSON.stringify(body));
    });
    const source = createCustomTokenSource(createEndpointGenerator(url), { retries: 0 });
    const error = await source.fetch({ roomName: 'standup' }).then(
      () => expect.unreachable('resolved'),
      (reason: unknown) => reason as CustomTokenError,
    );
    expect(error).toMatchObject({ code: 'http', status });
    expect(error.message).toBe(`The token endpoint ${url} answered HTTP ${status}: ${words}`);
  });

  it('skips words that are not a string (NestJS validation’s message list, FastAPI’s 422 detail list) for the next ones', async () => {
    const url = await serve((__, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({ message: ['roomName must be a string'], detail: [{ loc: ['body'] }], error: 'Bad Request', statusCode: 400 }),
      );
    });
    const source = createCustomTokenSource(createEndpointGenerator(url), { retries: 0 });
    const error = await source.fetch({ roomName: 'standup' }).then(
      () => expect.unreachable('resolved'),
      (reason: unknown) => reason as CustomTokenError,
    );
    expect(error.message).toBe(`The token endpoint ${url} answered HTTP 400: Bad Request`);
  });
});
