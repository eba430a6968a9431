import { nodeRequestHeaders } from './nodeRequestHeaders.js';
import { nodeRequestUrl } from './nodeRequestUrl.js';
import type { NodeRequestLike } from './toNodeHandler.js';

const NODE_REQUEST = Symbol('node request');
const FETCH_REQUEST = Symbol('fetch request');
const HEADERS = Symbol('headers');

interface LazyRequest {
  [NODE_REQUEST]: NodeRequestLike;
  [FETCH_REQUEST]?: Request;
  [HEADERS]?: Headers;
}

let prototype: object | undefined;

/**
 * A `Request` for a Node request that costs nothing until it is read: `method` is Node's,
 * `url` and `headers` are built on first access, and any other member (`signal`, `clone()`, …)
 * builds the real `Request` it then delegates to. It is `instanceof Request`. The body is not
 * on it — the handler has read it, as it has on the Fetch path — and arrives parsed as
 * `authorize`'s second argument. The technique is @hono/node-server's lightweight request.
 *
 * @example
 * ```ts
 * const request = lazyRequest(req);
 * request.headers.get('cookie'); // builds Headers only
 * ```
 */
export function lazyRequest(req: NodeRequestLike): Request {
  const request = Object.create((prototype ??= createPrototype())) as LazyRequest;
  request[NODE_REQUEST] = req;
  return request as unknown as Request;
}

function createPrototype(): object {
  const own: PropertyDescriptorMap = {
    method: { get: nodeMethod },
    url: { get: nodeUrl },
    headers: { get: nodeHeaders },
  };
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(Request.prototype))) {
    if (Object.hasOwn(own, key) || key === 'constructor') continue;
    own[key] =
      typeof descriptor.value === 'function'
        ? {
            value: function (this: LazyRequest, ...args: unknown[]): unknown {
              const request = fetchRequest(this);
              return (request[key as keyof Request] as (this: Request, ...args: unknown[]) => unknown).apply(request, args);
            },
          }
        : {
            get(this: LazyRequest) {
              return (fetchRequest(this) as unknown as Record<string, unknown>)[key];
            },
          };
  }
  return Object.create(Request.prototype, own) as object;
}

function nodeMethod(this: LazyRequest): string {
  return this[NODE_REQUEST].method ?? 'GET';
}

function nodeUrl(this: LazyRequest): string {
  return nodeRequestUrl(this[NODE_REQUEST]);
}

function nodeHeaders(this: LazyRequest): Headers {
  return (this[HEADERS] ??= nodeRequestHeaders(this[NODE_REQUEST]));
}

function fetchRequest(request: LazyRequest): Request {
  return (request[FETCH_REQUEST] ??= new Request(nodeUrl.call(request), {
    method: nodeMethod.call(request),
    headers: nodeHeaders.call(request),
  }));
}
