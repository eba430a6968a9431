import type { NodeRequestLike } from './toNodeHandler.js';

/**
 * A Node request's headers as Fetch `Headers`: a repeated header appended once per value, HTTP/2
 * pseudo-headers (`:authority`, `:path`, …), which `Headers` refuses, left out.
 *
 * @example
 * ```ts
 * nodeRequestHeaders({ headers: { cookie: ['a=1', 'b=2'], ':path': '/api/token' } }).get('cookie'); // 'a=1, b=2'
 * ```
 */
export function nodeRequestHeaders(req: Pick<NodeRequestLike, 'headers'>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(':')) continue;
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
  }
  return headers;
}
