import type { NodeRequestLike } from './toNodeHandler.js';

/**
 * The absolute URL of a Node request: its request-target on the host it was sent to. A target
 * in origin form is a path, also one that starts with `//` (`new URL('//evil.example/x', base)`
 * would read that as another host, and an `authorize` trusting `request.url` would be fooled).
 *
 * @example
 * ```ts
 * nodeRequestUrl({ url: '//evil.example/api/token', headers: { host: 'app.example' } }); // 'http://app.example//evil.example/api/token'
 * ```
 */
export function nodeRequestUrl(req: Pick<NodeRequestLike, 'url' | 'headers'>): string {
  try {
    // HTTP/2 names the host in its :authority pseudo-header (Host is optional there).
    const origin = `http://${String(req.headers.host ?? req.headers[':authority'] ?? 'localhost')}`;
    const target = req.url ?? '/';
    // Absolute form (a proxy's request) names its own host; every other form is a path on this one.
    return (target.startsWith('/') ? new URL(origin + target) : new URL(target, origin)).href;
  } catch {
    return 'http://localhost/';
  }
}
