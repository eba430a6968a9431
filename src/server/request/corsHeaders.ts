import type { TokenHandlerCorsConfig } from '../types.js';

/**
 * The CORS headers for a response to `request`: none that allow anything without an `Origin` or
 * for an origin that is not allowed; `*` for `origin: '*'` (never with credentials: the config
 * check refuses that); the request's own origin only when it is listed or the function returns
 * `true` — never `null` with credentials, whatever the function says (a function looking for bad
 * origins, `(o) => !o.includes('evil')`, would allow it). A response exposes `Retry-After`; a preflight also gets methods, requested headers and
 * max age. Every answer that depends on the origin (any setting but `'*'`) says `Vary: Origin`,
 * allowed or not, so a cache never hands one origin's answer to another.
 *
 * @example
 * ```ts
 * const headers = corsHeaders({ origin: ['https://app.example'] }, request, true);
 * ```
 */
export function corsHeaders(cors: TokenHandlerCorsConfig, request: Request, preflight: boolean): Record<string, string> {
  const origin = request.headers.get('origin');
  const headers: Record<string, string> = cors.origin === '*' ? {} : { Vary: 'Origin' };
  if (!origin || !isAllowed(cors, origin)) return headers;
  headers['Access-Control-Allow-Origin'] = cors.origin === '*' ? '*' : origin;
  if (cors.credentials) headers['Access-Control-Allow-Credentials'] = 'true';
  // Not CORS-safelisted: without this a cross-origin page cannot read when to retry a 429.
  if (!preflight) headers['Access-Control-Expose-Headers'] = 'Retry-After';
  if (preflight) {
    headers['Access-Control-Allow-Methods'] = 'POST, OPTIONS';
    const requested = request.headers.get('access-control-request-headers');
    if (requested) headers['Access-Control-Allow-Headers'] = requested;
    headers['Access-Control-Max-Age'] = String(cors.maxAgeSeconds ?? 600);
  }
  return headers;
}

function isAllowed({ origin: allowed, credentials }: TokenHandlerCorsConfig, origin: string): boolean {
  // Every sandboxed iframe and data: page, on any site, sends `Origin: null`: never one to share a
  // visitor's cookies with (a list holding 'null' with credentials throws when the handler is created).
  if (credentials && origin === 'null') return false;
  if (typeof allowed === 'function') return allowed(origin) === true;
  if (typeof allowed === 'string') return allowed === '*' || allowed === origin;
  return allowed.includes(origin);
}
