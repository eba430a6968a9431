import type { NodeRequestLike } from './toNodeHandler.js';

/**
 * What ends a URL's host: Node takes any visible text as a Host, and `app.example/admin?` would
 * make `/admin` the path and put the request-target in the query.
 */
const HOST_DELIMITER = /[/\\?#]/;

/**
 * The absolute URL of a Node request: its request-target on the host it was sent to, `https:` when
 * it came over TLS (as Bun and Deno give it, and a same-origin check compares with `Origin`). A target
 * in origin form is a path, also one that starts with `//` (`new URL('//evil.example/x', base)`
 * would read that as another host, and an `authorize` trusting `request.url` would be fooled).
 * A Host that is none — missing, empty (`http:///api/token` would read `api` as the host), or not
 * one (`a b`, `app.example/admin?`: a path, query or fragment in it would move the target) — gives
 * the same path on `localhost`, never a path the Host chose. A target in absolute form names its
 * own host, whatever the Host says. The target is Express' and Connect's `originalUrl` when there is
 * one: under a mount path (`app.use('/api/token', handler)`) their `url` has lost it.
 *
 * @example
 * ```ts
 * nodeRequestUrl({ url: '//evil.example/api/token', headers: { host: 'app.example' } }); // 'http://app.example//evil.example/api/token'
 * ```
 */
export function nodeRequestUrl(req: Pick<NodeRequestLike, 'url' | 'originalUrl' | 'headers' | 'socket'>): string {
  // The socket, not a header the client wrote: TLS is what makes it https.
  const scheme = req.socket && 'encrypted' in req.socket && req.socket.encrypted === true ? 'https' : 'http';
  // HTTP/2 names the host in its :authority pseudo-header (Host is optional there).
  const given = String(req.headers.host || req.headers[':authority'] || '');
  const host = given !== '' && !HOST_DELIMITER.test(given) && URL.canParse(`${scheme}://${given}/`) ? given : 'localhost';
  const target = req.originalUrl ?? req.url ?? '/';
  try {
    // Absolute form (a proxy's request) names its own host; every other form is a path on this one.
    return (target.startsWith('/') ? new URL(`${scheme}://${host}${target}`) : new URL(target, `${scheme}://${host}`)).href;
  } catch {
    return `${scheme}://localhost/`;
  }
}
