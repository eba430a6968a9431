import { describe, expect, inject, test } from 'vitest';
import { TOKEN_ROUTE } from './harness/callPage';

const appUrl = inject('nextAppUrl');

/** The signed demo cookie, as the example's login route sets it. */
async function logInCookie(name: string): Promise<string> {
  const response = await fetch(`${appUrl}/api/login`, { method: 'POST', body: new URLSearchParams({ name }), redirect: 'manual' });
  expect(response.status).toBe(303);
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  expect(cookie).toMatch(/^demo_session=/);
  return cookie!;
}

async function renderCallPage(cookie?: string): Promise<string> {
  const response = await fetch(`${appUrl}/`, { headers: cookie ? { cookie } : {} });
  expect(response.status).toBe(200);
  return response.text();
}

function postTokenRequest(cookie: string | undefined, body: unknown): Promise<Response> {
  return fetch(`${appUrl}${TOKEN_ROUTE}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

const DISCONNECTED_BUTTON = /<button[^>]*class="lk-ctr-connect-button"[^>]*data-state="disconnected"[^>]*>Connect<\/button>/;

describe('next build of the example', () => {
  test('builds the call page and the token route as rendered on demand', () => {
    const output = inject('nextBuildOutput');
    expect(output).toMatch(/ƒ \/\r?\n/);
    expect(output).toMatch(/ƒ \/api\/livekit-token\r?\n/);
  });
});

describe('the call page rendered by the server (a Server Component rendering the client entry)', () => {
  test('signed in, it holds the disconnected session and the token minted during render', async () => {
    const html = await renderCallPage(await logInCookie('alice'));
    expect(html).toMatch(DISCONNECTED_BUTTON);
    expect(html).toMatch(/<div role="status"[^>]*class="lk-ctr-agent-status"[^>]*data-state="disconnected"/);
    expect(html).toMatch(/<section aria-label="Token status"[^>]*data-status="ready"/);
    expect(html).toContain('<dd><bdi>alice</bdi></dd>');
    expect(html).not.toContain('role="alert"');
  });

  test('the HTML holding a token is never stored by a browser, Next or a CDN: rendered per request, Cache-Control private and no-store', async () => {
    const cookie = await logInCookie('carol');
    const [first, second] = await Promise.all([1, 2].map(() => fetch(`${appUrl}/`, { headers: { cookie } })));
    expect(first!.headers.get('cache-control')).toMatch(/(?=.*\bprivate\b)(?=.*\bno-store\b)/);
    const tokenOf = async (response: Response) => /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/.exec(await response.text())?.[0];
    const [firstToken, secondToken] = await Promise.all([tokenOf(first!), tokenOf(second!)]);
    expect(firstToken).toBeDefined();
    expect(secondToken).not.toBe(firstToken);
  });

  test('signed out, it holds the disconnected session with no token yet, and no error', async () => {
    const html = await renderCallPage();
    expect(html).toMatch(DISCONNECTED_BUTTON);
    expect(html).toMatch(/<section aria-label="Token status"[^>]*data-status="idle"/);
    expect(html).toContain('Not signed in.');
    expect(html).not.toContain('role="alert"');
  });

  test('a forged cookie counts as signed out', async () => {
    const forged = `demo_session=${Buffer.from('mallory').toString('base64url')}.${'A'.repeat(43)}`;
    const html = await renderCallPage(forged);
    expect(html).toMatch(/data-status="idle"/);
    expect(html).not.toContain('mallory');
  });
});

describe('the token route (createTokenHandler with the demo cookie and an agent allow-list)', () => {
  test('mints a token for the signed-in user with the allowed agent', async () => {
    const response = await postTokenRequest(await logInCookie('bob'), { room_config: { agents: [{ agent_name: 'e2e-agent' }] } });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { server_url: string; participant_token: string };
    expect(body.server_url).toBe('ws://127.0.0.1:7880');
    const claims = JSON.parse(Buffer.from(body.participant_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'bob', name: 'bob', roomConfig: { agents: [{ agentName: 'e2e-agent' }] } });
  });

  test('answers 401 without the cookie and 403 for an agent outside the allow-list', async () => {
    const unauthorized = await postTokenRequest(undefined, {});
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const forbidden = await postTokenRequest(await logInCookie('bob'), { room_config: { agents: [{ agent_name: 'other-agent' }] } });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: 'agent_not_allowed' } });
  });
});
