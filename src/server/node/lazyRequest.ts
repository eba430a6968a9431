import { clientGoneSignal } from './clientGoneSignal.js';
import { nodeRequestHeaders } from './nodeRequestHeaders.js';
import { nodeRequestUrl } from './nodeRequestUrl.js';
import type { NodeRequestLike, NodeResponseLike } from './toNodeHandler.js';

const NODE_REQUEST = Symbol('node request');
const NODE_RESPONSE = Symbol('node response');
const FETCH_REQUEST = Symbol('fetch request');
const HEADERS = Symbol('headers');
const SIGNAL = Symbol('signal');

interface LazyRequest {
  [NODE_REQUEST]: NodeRequestLike;
  [NODE_RESPONSE]: NodeResponseLike | undefined;
  [FETCH_REQUEST]?: Request;
  [HEADERS]?: Headers;
  [SIGNAL]?: AbortSignal;
}

let prototype: object | undefined;

/**
 * A `Request` for a Node request that costs nothing until it is read: `method` is Node's,
 * `url`, `headers` and `signal` are built on first access, and any other member (`clone()`, …)
 * builds the real `Request` it then delegates to. Its `signal` aborts when the client goes away
 * before the answer is written (Node's response closes unfinished), as a Fetch server's does. It is `instanceof Request`, yet
 * not one to the runtime's own code: `new Request(it)` and `fetch(it)` read the state of a `Request` the runtime built, and
 * throw; `clone()` is one. The body is not on it — the handler has read it, as it has on the Fetch path — and arrives parsed as
 * `authorize`'s second argument. The technique is @hono/node-server's lightweight request.
 *
 * @example
 * ```ts
 * const request = lazyRequest(req);
 * request.headers.get('cookie'); // builds Headers only
 * ```
 */
export function lazyRequest(req: NodeRequestLike, res?: NodeResponseLike): Request {
  const request = Object.create((prototype ??= createPrototype())) as LazyRequest;
  request[NODE_REQUEST] = req;
  request[NODE_RESPONSE] = res;
  return request as unknown as Request;
}

function createPrototype(): object {
  const own: PropertyDescriptorMap = {
    method: { get: nodeMethod },
    url: { get: nodeUrl },
    headers: { get: nodeHeaders },
    signal: { get: nodeSignal },
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

function nodeSignal(this: LazyRequest): AbortSignal {
  return (this[SIGNAL] ??= clientGoneSignal(this[NODE_RESPONSE]));
}

function fetchRequest(request: LazyRequest): Request {
  return (request[FETCH_REQUEST] ??= new Request(nodeUrl.call(request), {
    method: nodeMethod.call(request),
    headers: nodeHeaders.call(request),
    signal: nodeSignal.call(request),
  }));
}
