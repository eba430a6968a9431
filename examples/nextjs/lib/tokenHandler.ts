import 'server-only';
import { createTokenHandler, type TokenHandlerConfig } from 'livekit-custom-token-react/server';
import { DEMO_SESSION_COOKIE, readDemoSession } from './demoSession';
import { ALLOWED_AGENTS } from './session';

/**
 * The token endpoint's rules, shared by the Node route, the Edge route and the page's first
 * token: identity from the signed demo cookie (none → 401), only the allowed agents.
 */
export const tokenHandlerConfig: TokenHandlerConfig = {
  authorize: async (request) => {
    const name = await readDemoSession(readCookie(request.headers.get('cookie'), DEMO_SESSION_COOKIE));
    return name ? { identity: name, name } : null;
  },
  agents: ALLOWED_AGENTS,
  onError: (error) => console.error('token route:', error),
};

/**
 * The handler, created when the module loads, as the README shows: credentials (LIVEKIT_URL,
 * LIVEKIT_API_KEY, LIVEKIT_API_SECRET) are read per request, so `next build` needs none.
 */
export const tokenHandler = createTokenHandler(tokenHandlerConfig);

function readCookie(header: string | null, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
