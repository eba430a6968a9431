// @vitest-environment node
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveTokenHandlerConfig } from '../../../src/server/config/resolveTokenHandlerConfig';
import type { TokenHandlerConfig } from '../../../src/server/types';

const authorize = () => ({ identity: 'alice' });
const resolve = (options: Partial<TokenHandlerConfig> = {}) => resolveTokenHandlerConfig({ authorize, ...options });
const tokens = { tokens: { limit: 5, windowSeconds: 60 } };
/** Long enough that LiveKit's server (and the handler) take it without a warning. */
const SECRET = 'a-secret-long-enough-for-livekit-server';

/** ioredis clients made by a test, never connected (lazyConnect), closed after it. */
const clients: Redis[] = [];
const redisClient = () => {
  const client = new Redis({ lazyConnect: true });
  clients.push(client);
  return client;
};

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

describe('resolveTokenHandlerConfig: defaults', () => {
  it('fills in a 10 minute ttl, 16 KiB bodies within 10 s, one agent per token and no limits', () => {
    const resolved = resolve();
    expect(resolved).toMatchObject({ authorize, ttl: 600, maxBodyBytes: 16_384, bodyTimeoutMs: 10_000, maxAgentsPerToken: 1 });
    expect(resolved.limiter).toBeUndefined();
  });

  it('keeps the credentials, policies and CORS as given, reading no credential yet', () => {
    const rooms = ['lobby'];
    const agents = () => true;
    const cors = { origin: 'https://app.example' };
    expect(resolve({ apiKey: 'key', apiSecret: SECRET, serverUrl: 'wss://x.example', rooms, agents, cors })).toMatchObject({
      apiKey: 'key',
      apiSecret: SECRET,
      serverUrl: 'wss://x.example',
      rooms,
      agents,
      cors,
    });
    expect(resolve()).toMatchObject({ apiKey: undefined, apiSecret: undefined, serverUrl: undefined });
  });

  it('uses the values passed', () => {
    expect(resolve({ ttl: '1h', maxBodyBytes: 1, bodyTimeoutMs: 1, maxAgentsPerToken: 3 })).toMatchObject({
      ttl: 3600,
      maxBodyBytes: 1,
      bodyTimeoutMs: 1,
      maxAgentsPerToken: 3,
    });
  });

  it('accepts maxAgentsPerToken 0: no agent dispatch at all', () => {
    expect(resolve({ maxAgentsPerToken: 0 }).maxAgentsPerToken).toBe(0);
  });

  it('logs with console.error by default, naming the method and path', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failure = new Error('db down');
    resolve().onError(failure, new Request('https://app.example/api/token?x=1', { method: 'POST' }));
    expect(log).toHaveBeenCalledExactlyOnceWith('[livekit-custom-token-react/server] POST /api/token failed:', failure);
  });

  it('uses the onError passed', () => {
    const onError = vi.fn();
    const request = new Request('https://app.example/token');
    const failure = new Error('down');
    resolve({ onError }).onError(failure, request);
    expect(onError).toHaveBeenCalledExactlyOnceWith(failure, request);
  });
});

describe('resolveTokenHandlerConfig: authorize and credentials', () => {
  it.each([
    ['no config at all', undefined],
    ['no authorize', {}],
    ['an authorize that is not a function', { authorize: { identity: 'alice' } }],
  ])('throws a TypeError for %s, saying authorize is required and what it does', (_, config) => {
    expect(() => resolveTokenHandlerConfig(config as never)).toThrow(TypeError);
    expect(() => resolveTokenHandlerConfig(config as never)).toThrow(/`authorize\(request, body\)` is required/);
  });

  it.each(['apiKey', 'apiSecret', 'serverUrl'] as const)('throws a TypeError for an empty %s passed in, naming it', (option) => {
    expect(() => resolve({ [option]: '' })).toThrow(TypeError);
    expect(() => resolve({ [option]: '' })).toThrow(`createTokenHandler: \`${option}\` must be a non-empty string.`);
  });

  it('throws for a server URL that is not a LiveKit URL, showing it', () => {
    expect(() => resolve({ serverUrl: 'localhost:7880' })).toThrow(/`serverUrl` must be a wss:\/\/.*got "localhost:7880"/);
  });
});

describe('resolveTokenHandlerConfig: numbers', () => {
  it.each(['maxBodyBytes', 'bodyTimeoutMs'] as const)(
    'throws a TypeError for a %s that is not a positive integer, showing it',
    (option) => {
      for (const value of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
        expect(() => resolve({ [option]: value })).toThrow(TypeError);
        expect(() => resolve({ [option]: value })).toThrow(
          `createTokenHandler: \`${option}\` must be a positive integer, got ${String(value)}.`,
        );
      }
    },
  );

  it('shows a number given as text in quotes', () => {
    expect(() => resolve({ maxBodyBytes: '1024' as never })).toThrow('got "1024".');
    expect(() => resolve({ maxAgentsPerToken: '2' as never })).toThrow('got "2".');
  });

  it('shows an empty list given for a number as a list holding nothing', () => {
    expect(() => resolve({ maxAgentsPerToken: [] as never })).toThrow('must be an integer of 0 or more, got a list holding nothing.');
  });

  it.each([-1, 1.5, Number.NaN])('throws a TypeError for maxAgentsPerToken %s, showing it', (value) => {
    expect(() => resolve({ maxAgentsPerToken: value })).toThrow(TypeError);
    expect(() => resolve({ maxAgentsPerToken: value })).toThrow(
      `createTokenHandler: \`maxAgentsPerToken\` must be an integer of 0 or more, got ${String(value)}.`,
    );
  });

  it('passes a bad ttl on as parseTtl’s TypeError', () => {
    expect(() => resolve({ ttl: '2 weeks' })).toThrow(/`ttl` must be .*got "2 weeks"/);
  });
});

describe('resolveTokenHandlerConfig: rooms and agents policies', () => {
  it.each([
    ['absent', undefined],
    ['a list of names', ['standup']],
    ['an empty list', []],
    ['a function', () => true],
  ])('accepts a policy that is %s', (_, policy) => {
    expect(() => resolve({ rooms: policy, agents: policy })).not.toThrow();
  });

  it.each([
    ['rooms', 'a single name (whose includes() would match any part of it)', 'standup', `got "standup"`],
    ['agents', 'a single name', 'support-agent', `got "support-agent"`],
    ['rooms', 'an object', { standup: true }, 'got an object'],
    ['agents', 'a list holding a number', ['support-agent', 7], 'got a list holding "support-agent", 7'],
    ['rooms', 'true', true, 'got true'],
    ['agents', 'null', null, 'got null'],
  ])('throws a TypeError for %s given %s, showing it and what to write', (option, _, policy, shown) => {
    const create = () => resolve({ [option]: policy as never });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(`createTokenHandler: \`${option}\` must be a list of `);
    expect(create).toThrow(`, ${shown}.`);
  });

  it('says what to write in the words of each option: room names for rooms, agent names for agents', () => {
    expect(() => resolve({ rooms: 'standup' as never })).toThrow(
      'createTokenHandler: `rooms` must be a list of room names ([\'standup\']) or a function (room, context) => boolean, got "standup".',
    );
    expect(() => resolve({ agents: 'support-agent' as never })).toThrow(
      'createTokenHandler: `agents` must be a list of agent names ([\'support-agent\']) or a function (agent, context) => boolean, got "support-agent".',
    );
  });

  it('throws a TypeError for an onError that is not a function', () => {
    expect(() => resolve({ onError: 'log' as never })).toThrow(
      'createTokenHandler: `onError` must be a function (error, request) => void, got "log".',
    );
  });
});

describe('resolveTokenHandlerConfig: cors', () => {
  it.each([
    ['*', '*'],
    ['one origin', 'https://app.example'],
    ['a list', ['https://app.example', 'https://admin.example']],
    ['a function', () => true],
  ])('accepts origin as %s', (_, origin) => {
    expect(() => resolve({ cors: { origin } })).not.toThrow();
  });

  it.each([
    ['a number', 42, 'got 42'],
    ['a list holding a number', ['https://app.example', 42], 'got a list holding "https://app.example", 42'],
    ['missing', undefined, 'got undefined'],
  ])('throws a TypeError for an origin that is %s, showing it', (_, origin, shown) => {
    expect(() => resolve({ cors: { origin: origin as never } })).toThrow(TypeError);
    expect(() => resolve({ cors: { origin: origin as never } })).toThrow(
      `\`cors.origin\` must be '*', an origin, a list of origins or a function, ${shown}.`,
    );
  });

  it.each([
    ["origin '*'", '*'],
    ["a list holding '*'", ['https://app.example', '*']],
  ])('refuses credentials with %s, saying why and what to write instead', (_, origin) => {
    const create = () => resolve({ cors: { origin, credentials: true } });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(/would let any website read a signed-in visitor's token/);
    expect(create).toThrow(/List the sites that may call the endpoint/);
    expect(create).toThrow(/or drop `credentials` for an endpoint that needs no cookies/);
  });

  it.each([
    ["origin 'null'", 'null'],
    ["a list holding 'null'", ['https://app.example', 'null']],
  ])('refuses credentials with %s (what sandboxed iframes on any site send), saying why', (_, origin) => {
    const create = () => resolve({ cors: { origin, credentials: true } });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(/'null' with credentials would let any website read a signed-in visitor's token/);
    expect(create).toThrow(/`Origin: null`\. List the sites that may call the endpoint by their real origins\.$/);
  });

  it("accepts origin 'null' without credentials", () => {
    expect(() => resolve({ cors: { origin: 'null' } })).not.toThrow();
  });

  it("refuses a list holding '*' without credentials, saying to write origin: '*'", () => {
    expect(() => resolve({ cors: { origin: ['*'] } })).toThrow(
      "createTokenHandler: `cors.origin` lists '*': write `origin: '*'` to allow every origin.",
    );
  });

  // A browser sends its origin as scheme://host[:port], lower case, without a default port or a path: an entry
  // written any other way never matches, and every cross-origin call fails with only a CORS error in the browser.
  it.each([
    ['https://app.example/', 'https://app.example'],
    ['https://app.example/calls', 'https://app.example'],
    ['https://App.Example', 'https://app.example'],
    ['https://app.example:443', 'https://app.example'],
    ['http://localhost:5173/', 'http://localhost:5173'],
  ])('throws a TypeError for an origin written as a URL (%s), saying to write %s', (entry, origin) => {
    for (const cors of [{ origin: entry }, { origin: ['https://admin.example', entry] }]) {
      expect(() => resolve({ cors })).toThrow(
        `createTokenHandler: \`cors.origin\` "${entry}" is not an origin as browsers send it (scheme://host[:port], nothing after): write "${origin}".`,
      );
    }
  });

  it.each(['app.example', 'localhost:3000', ''])('throws a TypeError for an origin without a scheme (%j)', (entry) => {
    expect(() => resolve({ cors: { origin: entry } })).toThrow(
      `createTokenHandler: \`cors.origin\` "${entry}" is not an origin as browsers send it (scheme://host[:port], nothing after), such as "https://app.example".`,
    );
  });

  it.each(['http://localhost:5173', 'https://app.example:8443', 'chrome-extension://abcdefghijklmnop', 'capacitor://localhost'])(
    'accepts the origin %s',
    (origin) => {
      expect(() => resolve({ cors: { origin: [origin] } })).not.toThrow();
    },
  );

  it('accepts credentials with listed origins or a function', () => {
    expect(() => resolve({ cors: { origin: ['https://app.example'], credentials: true } })).not.toThrow();
    expect(() => resolve({ cors: { origin: () => true, credentials: true } })).not.toThrow();
  });

  it('accepts maxAgeSeconds of 0 or more', () => {
    expect(() => resolve({ cors: { origin: '*', maxAgeSeconds: 0 } })).not.toThrow();
    expect(() => resolve({ cors: { origin: '*', maxAgeSeconds: 86_400 } })).not.toThrow();
  });

  it.each([-1, 1.5, Number.NaN, '600'])('throws a TypeError for maxAgeSeconds %s, showing it', (maxAgeSeconds) => {
    const create = () => resolve({ cors: { origin: '*', maxAgeSeconds: maxAgeSeconds as number } });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(
      `createTokenHandler: \`cors.maxAgeSeconds\` must be an integer of 0 or more, got ${typeof maxAgeSeconds === 'string' ? `"${maxAgeSeconds}"` : String(maxAgeSeconds)}.`,
    );
  });
});

describe('resolveTokenHandlerConfig: limits', () => {
  it('makes a limiter when limits are set', () => {
    expect(resolve({ limits: tokens }).limiter).toBeTypeOf('function');
  });

  it('accepts a Redis store with an ioredis client, with or without timeoutMs', () => {
    expect(resolve({ limits: tokens, limitStore: { redis: redisClient() } }).limiter).toBeTypeOf('function');
    expect(resolve({ limits: tokens, limitStore: { redis: redisClient(), timeoutMs: 250 } }).limiter).toBeTypeOf('function');
  });

  it('accepts a Redis store with a node-redis client', () => {
    const client = createClient();
    expect(resolve({ limits: tokens, limitStore: { redis: client } }).limiter).toBeTypeOf('function');
  });

  it.each([
    ['a name other than memory', 'redis'],
    ['an object without redis', {}],
    ['a redis that is not an ioredis client', { redis: { get: () => null } }],
  ])('throws a TypeError for a limitStore that is %s, saying what to pass', (_, limitStore) => {
    const create = () => resolve({ limits: tokens, limitStore: limitStore as never });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(
      "createTokenHandler: `limitStore` must be 'memory' or { redis } with an ioredis client (new Redis(url)) or a connected node-redis client (await createClient({ url }).connect()).",
    );
  });

  it.each([0, -5, 1.5])('throws a TypeError for a Redis store’s timeoutMs %s, naming limitStore.timeoutMs', (timeoutMs) => {
    const create = () => resolve({ limits: tokens, limitStore: { redis: redisClient(), timeoutMs } });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(`\`limitStore.timeoutMs\` must be a positive integer, got ${timeoutMs}.`);
  });

  it('accepts onLimitStoreError allow and deny', () => {
    expect(() => resolve({ limits: tokens, onLimitStoreError: 'allow' })).not.toThrow();
    expect(() => resolve({ limits: tokens, onLimitStoreError: 'deny' })).not.toThrow();
  });

  it('throws a TypeError for another onLimitStoreError, showing it', () => {
    const create = () => resolve({ limits: tokens, onLimitStoreError: 'ignore' as never });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(`createTokenHandler: \`onLimitStoreError\` must be 'allow' or 'deny', got "ignore".`);
  });

  it.each([
    ['limitStore', () => ({ limitStore: 'redis' as never }), "createTokenHandler: `limitStore` must be 'memory' or { redis }"],
    [
      'limitStore.timeoutMs',
      () => ({ limitStore: { redis: redisClient(), timeoutMs: 0 } }),
      '`limitStore.timeoutMs` must be a positive integer, got 0.',
    ],
    [
      'onLimitStoreError',
      () => ({ onLimitStoreError: 'ignore' as never }),
      "`onLimitStoreError` must be 'allow' or 'deny', got \"ignore\".",
    ],
  ])('throws a TypeError for an invalid %s given without limits, as with them', (_, options, message) => {
    const create = () => resolve(options());
    expect(create).toThrow(TypeError);
    expect(create).toThrow(message);
  });

  it('accepts a valid limitStore and onLimitStoreError without limits (limits set only in some environments), making no limiter', () => {
    const resolved = resolve({ limitStore: { redis: redisClient() }, onLimitStoreError: 'allow' });
    expect(resolved.limiter).toBeUndefined();
    expect(resolve({ limitStore: 'memory', onLimitStoreError: 'deny' }).limiter).toBeUndefined();
  });
});
