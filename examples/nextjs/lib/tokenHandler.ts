import 'server-only';
import { createTokenHandler } from 'livekit-custom-token-react/server';
import { DEMO_SESSION_COOKIE, readDemoSession } from './demoSession';
import { ALLOWED_AGENTS } from './session';

let handler: ((request: Request) => Promise<Response>) | undefined;

/**
 * The token endpoint: identity from the signed demo cookie (none → 401), only the allowed agents,
 * credentials from LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET. Created on first use, so
 * `next build` needs no secrets.
 */
export function handleTokenRequest(request: Request): Promise<Response> {
  handler ??= createTokenHandler({
    authorize: (req) => {
      const name = readDemoSession(readCookie(req.headers.get('cookie'), DEMO_SESSION_COOKIE));
      return name ? { identity: name, name } : null;
    },
    agents: ALLOWED_AGENTS,
    onError: (error) => console.error('token route:', error),
  });
  return handler(request);
}

function readCookie(header: string | null, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
