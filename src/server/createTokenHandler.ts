import { handleTokenRequest } from './handleTokenRequest.js';
import { readBodyStream } from './request/readBodyStream.js';
import { BodyReadBeforeError } from './request/BodyReadBeforeError.js';
import { encodedBodyRefusal } from './request/encodedBodyRefusal.js';
import { resolveTokenHandlerConfig } from './config/resolveTokenHandlerConfig.js';
import { TOKEN_HANDLER_CONFIG } from './config/TOKEN_HANDLER_CONFIG.js';
import type { TokenHandler, TokenHandlerConfig } from './types.js';

/**
 * A LiveKit token endpoint as a Fetch-API handler: `POST` a standard token request
 * (`{ room_name, participant_name, room_config, … }`), get `201 { server_url, participant_token }`.
 * Identity comes from `authorize`; rooms and agents from the policies; bad input gets a JSON
 * error (`{ error: { code, message } }`) and never a token.
 *
 * Runs wherever `Request` and `Response` do: Next.js (Node and Edge), Cloudflare Workers, Bun,
 * Deno, Vercel; `toNodeHandler` mounts it on `node:http` and Express. Credentials default to
 * the `LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET` and `LIVEKIT_URL` variables — from the env
 * bindings passed as the second argument (a Worker's `env`), else the process environment —
 * and are read per request, so `next build` succeeds without them; a missing one answers 500
 * `internal_error` and names the variable to `onError`, as does a `Request` whose body a wrapper
 * read first (read a `request.clone()` there). A config error (no `authorize`, a malformed
 * credential passed in, a bad `ttl`) throws here.
 *
 * @example
 * ```ts
 * // app/api/token/route.ts (Next.js)
 * import { createTokenHandler } from 'livekit-custom-token-react/server';
 *
 * declare function getUser(request: Request): Promise<{ id: string; name: string } | null>; // your own auth
 *
 * export const POST = createTokenHandler({
 *   authorize: async (request) => {
 *     const user = await getUser(request);
 *     return user ? { identity: user.id, name: user.name } : null;
 *   },
 *   agents: ['support-agent'],
 * });
 * ```
 */
export function createTokenHandler(config: TokenHandlerConfig): TokenHandler {
  const resolved = resolveTokenHandlerConfig(config);
  const handler: TokenHandler = async (request, env) => {
    // Set once the body is read to its end (not refused for its size, nor let go of at the deadline).
    let bodyRead = false;
    const reply = await handleTokenRequest(
      {
        method: request.method,
        header: (name) => request.headers.get(name),
        readBody: (maxBytes) => {
          if (request.bodyUsed || request.body?.locked) {
            throw new BodyReadBeforeError(
              'The request body was already read (request.bodyUsed), or a reader holds it, before the token handler ran: pass the handler the Request as it came, and read a request.clone() in whatever runs before it.',
            );
          }
          const encoded = encodedBodyRefusal((name) => request.headers.get(name));
          if (encoded) throw encoded;
          const reader = request.body?.getReader();
          let stopped = false;
          return {
            bytes: readBodyStream(reader, maxBytes, () => (bodyRead = !stopped)),
            stop: () => {
              stopped = true;
              // Stryker disable next-line OptionalChaining: stop() runs only for a body still arriving, which has a reader
              void reader?.cancel().catch(() => {});
            },
          };
        },
        request: () => request,
        env,
      },
      resolved,
    );
    // A body left unread: kept alive, Bun and Vercel's edge-runtime read whatever the client still
    // sends of it, as much as it likes. So the answer closes an HTTP/1 connection, as Node's own
    // server does; HTTP/2 servers drop the header (each request is its own stream there).
    // The headers tell whether there is a body: reading `request.body` makes Deno read all of it.
    const unread = !bodyRead && (request.headers.has('transfer-encoding') || Number(request.headers.get('content-length')) > 0);
    return new Response(reply.body, unread ? { status: reply.status, headers: { ...reply.headers, Connection: 'close' } } : reply);
  };
  return Object.defineProperty(handler, TOKEN_HANDLER_CONFIG, { value: resolved });
}
