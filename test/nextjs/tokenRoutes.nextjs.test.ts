import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, inject, test } from 'vitest';
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET, LIVEKIT_WS_URL } from '../e2e/harness/livekit';

const appUrl = inject('nextAppUrl');
const exampleDir = inject('exampleDir');

/** Logs in through the example's form route and returns its signed session cookie. */
async function sessionCookie(name: string): Promise<string> {
  const response = await fetch(`${appUrl}/api/login`, { method: 'POST', body: new URLSearchParams({ name }), redirect: 'manual' });
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

const post = (route: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${appUrl}${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

describe('the example’s token routes (built with no LiveKit secret in the environment, served with them)', () => {
  test.each([
    ['Node runtime', '/api/livekit-token'],
    ['Edge runtime', '/api/livekit-token-edge'],
  ])(
    '%s (%s): a token for the signed-in caller, verified by TokenVerifier; 401 without a session; 400 for a body that is not JSON; every answer Cache-Control no-store',
    async (_runtime, route) => {
      const cookie = await sessionCookie('edna');
      const issued = await post(route, JSON.stringify({ room_name: 'next-room', room_config: { agents: [{ agent_name: 'e2e-agent' }] } }), {
        Cookie: cookie,
      });
      expect(issued.status).toBe(201);
      expect(issued.headers.get('cache-control')).toBe('no-store');
      const { server_url, participant_token } = (await issued.json()) as { server_url: string; participant_token: string };
      expect(server_url).toBe(LIVEKIT_WS_URL);
      const claims = await new TokenVerifier(LIVEKIT_API_KEY, LIVEKIT_API_SECRET).verify(participant_token);
      expect(claims).toMatchObject({
        sub: 'edna',
        video: { room: 'next-room', roomJoin: true },
        roomConfig: { agents: [{ agentName: 'e2e-agent' }] },
      });

      const refused = await Promise.all([post(route, '{}'), post(route, '{"room_name":', { Cookie: cookie })]);
      const codes = await Promise.all(
        refused.map(async (response) => [response.status, ((await response.json()) as { error: { code: string } }).error.code]),
      );
      expect(refused.map((response) => response.headers.get('cache-control'))).toEqual(['no-store', 'no-store']);
      expect(codes).toEqual([
        [401, 'unauthorized'],
        [400, 'invalid_json'],
      ]);
    },
  );

  test('docs/runtimes.md’s table: the Node route signs with node:crypto, the Edge route with WebCrypto (the #signJwt module each build holds)', () => {
    // Which signer each build bundled: the modules its source maps name (the package ships src/ for them).
    interface SourceMap {
      sources?: string[];
      sections?: { map: SourceMap }[];
    }
    const sourcesOf = (map: SourceMap): string[] => [
      ...(map.sources ?? []),
      ...(map.sections ?? []).flatMap(({ map: part }) => sourcesOf(part)),
    ];
    const signers = (folder: string) => {
      const found = new Set<string>();
      for (const file of readdirSync(join(exampleDir, '.next/server', folder), { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.js.map')) continue;
        const map = JSON.parse(readFileSync(join(exampleDir, '.next/server', folder, file), 'utf8')) as SourceMap;
        for (const source of sourcesOf(map)) {
          const signer = /\/platform\/(signJwt\.(?:node|web))\.[jt]s$/.exec(source)?.[1];
          if (signer) found.add(signer);
        }
      }
      return [...found].sort();
    };
    expect({ node: signers('chunks'), edge: signers('edge') }).toEqual({ node: ['signJwt.node'], edge: ['signJwt.web'] });
  });

  test.each([
    ['Node runtime', '/api/livekit-token'],
    ['Edge runtime', '/api/livekit-token-edge'],
  ])(
    '%s (%s): a body sent with Content-Encoding: gzip is 415 unsupported_media_type with Accept-Encoding: identity, also plain JSON labelled gzip (docs/server-security.md)',
    async (_runtime, route) => {
      const cookie = await sessionCookie('edna');
      const body = JSON.stringify({ room_name: 'next-room' });
      const answers = [];
      for (const sent of [gzipSync(body), new TextEncoder().encode(body)]) {
        const response = await fetch(`${appUrl}${route}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Cookie: cookie },
          body: new Uint8Array(sent),
        });
        const { error } = (await response.json()) as { error?: { code: string } };
        answers.push([response.status, error?.code ?? 'token', response.headers.get('accept-encoding')]);
      }
      expect(answers).toEqual(Array(2).fill([415, 'unsupported_media_type', 'identity']));
    },
  );

  test('the Edge route is built as an Edge function', () => {
    const manifest = JSON.parse(readFileSync(join(exampleDir, '.next/server/middleware-manifest.json'), 'utf8')) as {
      functions: Record<string, unknown>;
    };
    expect(Object.keys(manifest.functions)).toContain('/api/livekit-token-edge/route');
  });
});
