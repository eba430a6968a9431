// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readSecretsStore, resolveCredentials } from '../../../src/server/config/resolveCredentials';
import { resolveTokenHandlerConfig } from '../../../src/server/config/resolveTokenHandlerConfig';
import type { TokenHandlerConfig } from '../../../src/server/types';

const authorize = () => ({ identity: 'alice' });
const config = (options: Partial<TokenHandlerConfig> = {}) => resolveTokenHandlerConfig({ authorize, ...options });

const ENVIRONMENT = {
  LIVEKIT_API_KEY: 'process-key',
  LIVEKIT_API_SECRET: 'process-secret-long-enough-for-livekit',
  LIVEKIT_URL: 'wss://process.example',
};
const BINDINGS = {
  LIVEKIT_API_KEY: 'worker-key',
  LIVEKIT_API_SECRET: 'worker-secret-long-enough-for-livekit',
  LIVEKIT_URL: 'wss://worker.example',
};

function stubEnvironment(variables: Partial<Record<keyof typeof ENVIRONMENT, string | undefined>>) {
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
}

/**
 * Runs `read` with `globalThis.process` replaced, as on a runtime without Node's process (a Worker)
 * or with one whose env cannot be read (Deno without --allow-env); puts the real one back before returning.
 */
function withProcess<T>(replacement: unknown, read: () => T): T {
  const original = Object.getOwnPropertyDescriptor(globalThis, 'process')!;
  Object.defineProperty(globalThis, 'process', { value: replacement, configurable: true, writable: true });
  try {
    return read();
  } finally {
    Object.defineProperty(globalThis, 'process', original);
  }
}

afterEach(() => vi.unstubAllEnvs());

describe('resolveCredentials: where each credential comes from', () => {
  it('uses the options passed to createTokenHandler first', () => {
    stubEnvironment(ENVIRONMENT);
    const passed = { apiKey: 'option-key', apiSecret: 'option-secret-long-enough-for-livekit', serverUrl: 'wss://option.example' };
    expect(resolveCredentials(config(passed), BINDINGS)).toEqual(passed);
  });

  it('then the request’s env bindings', () => {
    stubEnvironment(ENVIRONMENT);
    expect(resolveCredentials(config(), BINDINGS)).toEqual({
      apiKey: 'worker-key',
      apiSecret: 'worker-secret-long-enough-for-livekit',
      serverUrl: 'wss://worker.example',
    });
  });

  it('then the process environment', () => {
    stubEnvironment(ENVIRONMENT);
    expect(resolveCredentials(config())).toEqual({
      apiKey: 'process-key',
      apiSecret: 'process-secret-long-enough-for-livekit',
      serverUrl: 'wss://process.example',
    });
  });

  it('skips a binding that is not a string (a KV namespace, a secret store) for the process environment', () => {
    stubEnvironment(ENVIRONMENT);
    expect(resolveCredentials(config(), { LIVEKIT_API_KEY: { get: () => 'kv' }, LIVEKIT_URL: 42 })).toMatchObject({
      apiKey: 'process-key',
      serverUrl: 'wss://process.example',
    });
  });

  it('reads each credential on its own: one passed, one bound, one from the process', () => {
    stubEnvironment(ENVIRONMENT);
    expect(
      resolveCredentials(config({ serverUrl: 'wss://option.example' }), { LIVEKIT_API_SECRET: 'worker-secret-long-enough-for-livekit' }),
    ).toEqual({
      apiKey: 'process-key',
      apiSecret: 'worker-secret-long-enough-for-livekit',
      serverUrl: 'wss://option.example',
    });
  });
});

describe('resolveCredentials: missing and malformed credentials', () => {
  it.each([
    ['apiKey', 'LIVEKIT_API_KEY'],
    ['apiSecret', 'LIVEKIT_API_SECRET'],
    ['serverUrl', 'LIVEKIT_URL'],
  ] as const)('throws for a missing %s, saying to pass it or set %s', (option, variable) => {
    stubEnvironment({ ...ENVIRONMENT, [variable]: undefined });
    expect(() => resolveCredentials(config())).toThrow(
      `no LiveKit ${option} — pass \`${option}\` or set the ${variable} environment variable`,
    );
  });

  it('reads an empty environment variable as missing, not as malformed', () => {
    stubEnvironment({ ...ENVIRONMENT, LIVEKIT_API_KEY: '' });
    expect(() => resolveCredentials(config())).toThrow(/no LiveKit apiKey/);
  });

  it('names a malformed variable and what is wrong with it, in words that fit the variable', () => {
    stubEnvironment({ ...ENVIRONMENT, LIVEKIT_URL: 'localhost:7880' });
    expect(() => resolveCredentials(config())).toThrow(
      'createTokenHandler: LIVEKIT_URL is malformed — it must be a wss://, ws://, https:// or http:// URL, got "localhost:7880".',
    );
  });

  it('reads an empty binding as missing, as it reads an empty variable: the process environment is next', () => {
    stubEnvironment(ENVIRONMENT);
    expect(resolveCredentials(config(), { ...BINDINGS, LIVEKIT_API_KEY: '' }).apiKey).toBe('process-key');
  });

  it('names a blank binding as malformed', () => {
    expect(() => resolveCredentials(config(), { ...BINDINGS, LIVEKIT_API_SECRET: '   ' })).toThrow(
      /LIVEKIT_API_SECRET is malformed — it must be a non-empty string/,
    );
  });
});

describe('resolveCredentials: runtimes without a readable process environment', () => {
  it('reads the bindings where there is no process at all (a Worker)', () => {
    const credentials = withProcess(undefined, () => resolveCredentials(config(), BINDINGS));
    expect(credentials).toEqual({
      apiKey: 'worker-key',
      apiSecret: 'worker-secret-long-enough-for-livekit',
      serverUrl: 'wss://worker.example',
    });
  });

  it('names the missing variable where there is no process', () => {
    expect(() => withProcess(undefined, () => resolveCredentials(config()))).toThrow(/set the LIVEKIT_API_KEY environment variable/);
  });

  it('names the missing variable where process has no env', () => {
    expect(() => withProcess({}, () => resolveCredentials(config()))).toThrow(/set the LIVEKIT_API_KEY environment variable/);
  });

  it('says the variable could not be read, and how to allow it, where reading the environment throws (Deno without --allow-env)', () => {
    const denied = {
      get env(): never {
        throw new Error('Requires env access to "LIVEKIT_API_KEY", run again with the --allow-env flag');
      },
    };
    expect(() => withProcess(denied, () => resolveCredentials(config()))).toThrow(
      'createTokenHandler: LIVEKIT_API_KEY could not be read from the environment (Requires env access to "LIVEKIT_API_KEY", run again with the --allow-env flag). On Deno, allow it: --allow-env=LIVEKIT_API_KEY; or pass `apiKey`.',
    );
    expect(withProcess(denied, () => resolveCredentials(config(), BINDINGS))).toMatchObject({ apiKey: 'worker-key' });
  });
});

describe('readSecretsStore: Cloudflare Secrets Store bindings among the LiveKit ones', () => {
  it('reads such a binding with its get(), and keeps the plain bindings beside it', async () => {
    const env = {
      ...BINDINGS,
      LIVEKIT_API_SECRET: { get: () => Promise.resolve('stored-secret-long-enough-for-livekit') },
      OTHER: 'ignored',
    };
    expect(resolveCredentials(config(), await readSecretsStore(env))).toEqual({
      apiKey: 'worker-key',
      apiSecret: 'stored-secret-long-enough-for-livekit',
      serverUrl: 'wss://worker.example',
    });
  });

  it.each([
    ['plain bindings', BINDINGS],
    ["Bun's server or Deno's connection info (no LiveKit binding)", { port: 3000, remoteAddr: {} }],
    ['no second argument', undefined],
  ])('passes on %s as they are, at once: no promise to wait a turn for on every request', (_, env) => {
    expect(readSecretsStore(env)).toBe(env);
  });

  it('lets a get() that fails fail the request (a 500 for onError)', async () => {
    const failure = new Error('secret not found');
    await expect(readSecretsStore({ LIVEKIT_API_SECRET: { get: () => Promise.reject(failure) } })).rejects.toBe(failure);
  });
});
