// @vitest-environment node
import { TokenVerifier } from 'livekit-server-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenHandler, toNodeHandler } from '../../src/server';
import { API_SECRET } from '../helpers/tokens';
import { tokenRequest } from './handlerConfig';
import { readResponse } from './verify';

const authorize = () => ({ identity: 'alice' });
const VARIABLES = ['LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'LIVEKIT_URL'] as const;

/** The environment of a CI build: no LiveKit variable at all. */
function withoutLiveKitEnvironment() {
  for (const variable of VARIABLES) vi.stubEnv(variable, undefined);
}

afterEach(() => vi.unstubAllEnvs());

describe('credentials: a build without secrets', () => {
  it('creates the README route without any LIVEKIT_* variable (as `next build` collects page data)', () => {
    withoutLiveKitEnvironment();
    expect(() => createTokenHandler({ authorize })).not.toThrow();
  });

  it.each(VARIABLES)(
    'answers 500 internal_error with no token when %s is missing at the request, naming it to onError',
    async (variable) => {
      vi.stubEnv('LIVEKIT_API_KEY', 'devkey');
      vi.stubEnv('LIVEKIT_API_SECRET', API_SECRET);
      vi.stubEnv('LIVEKIT_URL', 'wss://env.example');
      vi.stubEnv(variable, undefined);
      const onError = vi.fn();
      const handler = createTokenHandler({ authorize, onError });
      const { status, body } = await readResponse(await handler(tokenRequest({})));
      expect(status).toBe(500);
      expect(body).toEqual({ error: { code: 'internal_error', message: 'The token could not be issued.' } });
      expect(onError).toHaveBeenCalledTimes(1);
      expect(String(onError.mock.calls[0]![0])).toContain(variable);
    },
  );

  it('names a malformed LIVEKIT_URL without repeating the secret', async () => {
    vi.stubEnv('LIVEKIT_API_KEY', 'devkey');
    vi.stubEnv('LIVEKIT_API_SECRET', 'a-very-secret-value-long-enough-for-livekit');
    vi.stubEnv('LIVEKIT_URL', 'localhost:7880');
    const onError = vi.fn();
    const { status } = await readResponse(await createTokenHandler({ authorize, onError })(tokenRequest({})));
    expect(status).toBe(500);
    const message = String(onError.mock.calls[0]![0]);
    expect(message).toContain('LIVEKIT_URL');
    expect(message).toContain('wss://');
    expect(message).not.toContain('a-very-secret-value-long-enough-for-livekit');
  });

  it('never logs the secret when it is set as LIVEKIT_URL (the variables swapped)', async () => {
    const secret = 'Wq8hT2kLmZpR4vXcYb7NdFgJs3AeUiOo5nHt6yKr1Q';
    vi.stubEnv('LIVEKIT_API_KEY', 'devkey');
    vi.stubEnv('LIVEKIT_API_SECRET', 'wss://project.livekit.cloud');
    vi.stubEnv('LIVEKIT_URL', secret);
    const onError = vi.fn();
    // The URL read as the secret is short, and warned about: that warning names neither value either.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { status, body } = await readResponse(await createTokenHandler({ authorize, onError })(tokenRequest({})));
      expect(status).toBe(500);
      const message = String(onError.mock.calls[0]![0]);
      expect(message).toContain('LIVEKIT_URL is malformed');
      expect(message).not.toContain(secret);
      expect(JSON.stringify(body)).not.toContain(secret);
      expect(warn.mock.calls).toEqual([
        [expect.stringMatching(/^createTokenHandler: LIVEKIT_API_SECRET is 27 bytes, shorter than the 32/)],
      ]);
      expect(String(warn.mock.calls[0])).not.toMatch(/Wq8hT2|project\.livekit/);
    } finally {
      warn.mockRestore();
    }
  });

  it('still throws at creation for a credential passed in that is empty or malformed', () => {
    expect(() => createTokenHandler({ authorize, apiKey: '' })).toThrow(/apiKey/);
    expect(() => createTokenHandler({ authorize, serverUrl: 'localhost:7880' })).toThrow(/wss:\/\//);
  });

  it('throws when mounted on a Node server without credentials: a Node server is clearly serving', () => {
    withoutLiveKitEnvironment();
    expect(() => toNodeHandler(createTokenHandler({ authorize }))).toThrow(/LIVEKIT_API_KEY/);
  });
});

describe('credentials: per-request env bindings (Cloudflare Workers)', () => {
  const bindings = {
    LIVEKIT_API_KEY: 'worker-key',
    LIVEKIT_API_SECRET: 'worker-secret-long-enough-for-livekit',
    LIVEKIT_URL: 'wss://worker.example',
  };

  it('mints with the credentials of the env passed as the second argument', async () => {
    withoutLiveKitEnvironment();
    const response = await createTokenHandler({ authorize })(tokenRequest({ room_name: 'standup' }), bindings);
    expect(response.status).toBe(201);
    const { server_url, participant_token } = (await response.json()) as { server_url: string; participant_token: string };
    expect(server_url).toBe('wss://worker.example');
    const claims = await new TokenVerifier('worker-key', 'worker-secret-long-enough-for-livekit').verify(participant_token);
    expect(claims).toMatchObject({ iss: 'worker-key', sub: 'alice', video: { room: 'standup' } });
  });

  it('prefers an option passed in over a binding, and a binding over the process environment', async () => {
    vi.stubEnv('LIVEKIT_API_KEY', 'process-key');
    vi.stubEnv('LIVEKIT_API_SECRET', 'process-secret-long-enough-for-livekit');
    vi.stubEnv('LIVEKIT_URL', 'wss://process.example');
    const handler = createTokenHandler({ authorize, serverUrl: 'wss://option.example' });
    const response = await handler(tokenRequest({}), {
      LIVEKIT_API_KEY: 'worker-key',
      LIVEKIT_API_SECRET: 'worker-secret-long-enough-for-livekit',
      OTHER: { kv: true },
    });
    const { server_url, participant_token } = (await response.json()) as { server_url: string; participant_token: string };
    expect(server_url).toBe('wss://option.example');
    expect(await new TokenVerifier('worker-key', 'worker-secret-long-enough-for-livekit').verify(participant_token)).toMatchObject({
      iss: 'worker-key',
    });
  });

  it('ignores a second argument that is not env bindings (Next.js route context)', async () => {
    vi.stubEnv('LIVEKIT_API_KEY', 'devkey');
    vi.stubEnv('LIVEKIT_API_SECRET', API_SECRET);
    vi.stubEnv('LIVEKIT_URL', 'wss://env.example');
    const { status, claims } = await readResponse(
      await createTokenHandler({ authorize })(tokenRequest({}), { params: Promise.resolve({}) }),
    );
    expect(status).toBe(201);
    expect(claims?.iss).toBe('devkey');
  });
});

describe('configuration: ttl', () => {
  it('reads ttl as livekit-server-sdk does, and refuses one that is not a duration from 1 s to 24 h at creation', async () => {
    const config = { authorize, apiKey: 'devkey', apiSecret: API_SECRET, serverUrl: 'wss://x.example' };
    for (const [ttl, seconds] of [
      [90, 90],
      ['10m', 600],
      ['1.5h', 5400],
      ['1 day', 86_400],
    ] as const) {
      const { claims } = await readResponse(await createTokenHandler({ ...config, ttl })(tokenRequest({})));
      expect(claims!.exp! - claims!.nbf!).toBe(seconds);
    }
    for (const ttl of [0, -5, '10 parsecs', '', '2 days']) expect(() => createTokenHandler({ ...config, ttl })).toThrow(/ttl/);
  });
});

/**
 * LiveKit's server reads its keys from YAML (`keys: { key: secret }`, LIVEKIT_KEYS, key_file), which
 * drops the whitespace around a plain value; LiveKit Cloud's keys and secrets have none. A secret
 * read from a file or a secret manager with its trailing newline signs tokens that server refuses
 * at join ("invalid token"), far from the cause: the handler refuses it where it is read instead.
 */
describe('credentials: whitespace around a key or secret', () => {
  const SECRET = 'Wq8hT2kLmZpR4vXcYb7NdFgJs3AeUiOo5nHt6yKr1Q';
  const padded = [
    ['a trailing newline (a file, a Kubernetes secret)', `${SECRET}\n`],
    ['a trailing CRLF (a file saved on Windows)', `${SECRET}\r\n`],
    ['a leading space', ` ${SECRET}`],
    ['a trailing tab', `${SECRET}\t`],
    ['a byte order mark', `\uFEFF${SECRET}`],
  ] as const;

  it.each(padded)('throws at creation for an apiSecret passed in with %s, naming it and never showing it', (_, apiSecret) => {
    const create = () => createTokenHandler({ authorize, apiKey: 'devkey', apiSecret, serverUrl: 'wss://x.example' });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(/`apiSecret` has whitespace at its start or end/);
    expect(() => create()).toThrow(/refused at join/);
    try {
      create();
    } catch (error) {
      expect(String(error)).not.toContain(SECRET);
    }
  });

  it.each(padded)('throws at creation for an apiKey passed in with %s, naming it', (_, apiKey) => {
    expect(() => createTokenHandler({ authorize, apiKey, apiSecret: SECRET, serverUrl: 'wss://x.example' })).toThrow(
      /`apiKey` has whitespace at its start or end/,
    );
  });

  it.each(padded)(
    'answers 500 internal_error with no token when LIVEKIT_API_SECRET has %s, naming the variable to onError without the secret',
    async (_, secret) => {
      vi.stubEnv('LIVEKIT_API_KEY', 'devkey');
      vi.stubEnv('LIVEKIT_API_SECRET', secret);
      vi.stubEnv('LIVEKIT_URL', 'wss://env.example');
      const onError = vi.fn();
      const response = await createTokenHandler({ authorize, onError })(tokenRequest({}));
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain('participant_token');
      expect(onError).toHaveBeenCalledTimes(1);
      const message = String(onError.mock.calls[0]![0]);
      expect(message).toContain('LIVEKIT_API_SECRET is malformed — it has whitespace at its start or end');
      expect(message).not.toContain(SECRET);
    },
  );

  it('throws when mounted on a Node server with LIVEKIT_API_KEY ending in a newline', () => {
    vi.stubEnv('LIVEKIT_API_KEY', 'devkey\n');
    vi.stubEnv('LIVEKIT_API_SECRET', SECRET);
    vi.stubEnv('LIVEKIT_URL', 'wss://env.example');
    expect(() => toNodeHandler(createTokenHandler({ authorize }))).toThrow(/LIVEKIT_API_KEY is malformed — it has whitespace/);
  });

  it('accepts whitespace inside a secret, which LiveKit’s YAML keeps', async () => {
    const response = await createTokenHandler({
      authorize,
      apiKey: 'devkey',
      apiSecret: 'two words in a secret long enough for livekit',
      serverUrl: 'wss://x.example',
    })(tokenRequest({}));
    expect(response.status).toBe(201);
    const { participant_token } = (await response.json()) as { participant_token: string };
    expect(await new TokenVerifier('devkey', 'two words in a secret long enough for livekit').verify(participant_token)).toMatchObject({
      sub: 'alice',
    });
  });
});

/**
 * A token carries its API key in the clear: the `iss` claim of a JWT anyone holding it can decode.
 * A key that contains the secret — the same value set twice, or LiveKit's `key: secret` pair (as
 * LIVEKIT_KEYS writes it) pasted whole into LIVEKIT_API_KEY — would hand every caller the secret,
 * with which they could sign any token they like. Refused where the key is read, never shown.
 */
describe('credentials: a key that contains the secret', () => {
  const SECRET = 'Wq8hT2kLmZpR4vXcYb7NdFgJs3AeUiOo5nHt6yKr1Q';
  const keys = [
    ['the same value set twice', SECRET],
    ['a `key: secret` pair pasted as the key', `APIa1b2c3d4e5f6: ${SECRET}`],
  ] as const;

  it.each(keys)('throws at creation for an apiKey passed in that contains apiSecret (%s), naming both, never the secret', (_, apiKey) => {
    const create = () => createTokenHandler({ authorize, apiKey, apiSecret: SECRET, serverUrl: 'wss://x.example' });
    expect(create).toThrow(TypeError);
    expect(create).toThrow('createTokenHandler: `apiKey` contains the API secret (`apiSecret`)');
    expect(create).toThrow(/its `iss` claim/);
    expect(() => create()).not.toThrow(SECRET);
  });

  it.each(keys)(
    'answers 500 internal_error with no token when LIVEKIT_API_KEY contains LIVEKIT_API_SECRET (%s), naming both to onError without the secret',
    async (_, key) => {
      vi.stubEnv('LIVEKIT_API_KEY', key);
      vi.stubEnv('LIVEKIT_API_SECRET', SECRET);
      vi.stubEnv('LIVEKIT_URL', 'wss://env.example');
      const onError = vi.fn();
      const response = await createTokenHandler({ authorize, onError })(tokenRequest({}));
      const text = await response.text();
      expect([response.status, JSON.parse(text)]).toEqual([
        500,
        { error: { code: 'internal_error', message: 'The token could not be issued.' } },
      ]);
      expect(text).not.toContain(SECRET);
      expect(onError).toHaveBeenCalledTimes(1);
      const message = String(onError.mock.calls[0]![0]);
      expect(message).toContain('LIVEKIT_API_KEY contains the API secret (LIVEKIT_API_SECRET)');
      expect(message).not.toContain(SECRET);
    },
  );

  it('names the option and the variable when the key is passed in and the secret read from the environment', async () => {
    vi.stubEnv('LIVEKIT_API_SECRET', SECRET);
    const onError = vi.fn();
    const handler = createTokenHandler({ authorize, apiKey: SECRET, serverUrl: 'wss://x.example', onError });
    expect((await handler(tokenRequest({}))).status).toBe(500);
    expect(String(onError.mock.calls[0]![0])).toContain('`apiKey` contains the API secret (LIVEKIT_API_SECRET)');
  });

  it('throws when mounted on a Node server whose LIVEKIT_API_KEY is its LIVEKIT_API_SECRET', () => {
    vi.stubEnv('LIVEKIT_API_KEY', SECRET);
    vi.stubEnv('LIVEKIT_API_SECRET', SECRET);
    vi.stubEnv('LIVEKIT_URL', 'wss://env.example');
    expect(() => toNodeHandler(createTokenHandler({ authorize }))).toThrow(/LIVEKIT_API_KEY contains the API secret/);
  });

  it('accepts a secret that contains its key: only the key goes out in a token', async () => {
    const response = await createTokenHandler({ authorize, apiKey: 'devkey', apiSecret: `devkey-${SECRET}`, serverUrl: 'wss://x.example' })(
      tokenRequest({}),
    );
    const { participant_token } = (await response.json()) as { participant_token: string };
    expect(await new TokenVerifier('devkey', `devkey-${SECRET}`).verify(participant_token)).toMatchObject({ iss: 'devkey' });
  });
});

/**
 * LiveKit makes an API key as `API` and 12 letters or digits (`livekit-server generate-keys`, LiveKit
 * Cloud) and a secret of 43. Set the other way round — LIVEKIT_API_KEY and LIVEKIT_API_SECRET
 * swapped — every token would carry the secret in the clear as its `iss` claim (and LiveKit would
 * refuse it, logging "invalid API key: <the secret>" in every browser that tried).
 */
describe('credentials: a key and secret that look swapped', () => {
  const KEY = 'APIcMRDDkDnN5Nr';
  const SECRET = 'VTrMcXRGUhjzJyfsAJw315O0HPtpVXIgej3CtCRynbK';

  it('throws at creation for an apiSecret shaped like a LiveKit key beside an apiKey that is not, never showing either', () => {
    const create = () => createTokenHandler({ authorize, apiKey: SECRET, apiSecret: KEY, serverUrl: 'wss://x.example' });
    expect(create).toThrow(TypeError);
    expect(create).toThrow('createTokenHandler: `apiSecret` has the shape of a LiveKit API key');
    expect(create).toThrow(/`apiKey` does not: the two look swapped/);
    expect(() => create()).not.toThrow(new RegExp(`${KEY}|${SECRET}`));
  });

  it('answers 500 internal_error with no token when LIVEKIT_API_KEY and LIVEKIT_API_SECRET are swapped, naming both to onError without either value', async () => {
    vi.stubEnv('LIVEKIT_API_KEY', SECRET);
    vi.stubEnv('LIVEKIT_API_SECRET', KEY);
    vi.stubEnv('LIVEKIT_URL', 'wss://env.example');
    const onError = vi.fn();
    const response = await createTokenHandler({ authorize, onError })(tokenRequest({}));
    const text = await response.text();
    expect([response.status, text]).toEqual([500, '{"error":{"code":"internal_error","message":"The token could not be issued."}}']);
    const message = String(onError.mock.calls[0]![0]);
    expect(message).toContain('LIVEKIT_API_SECRET has the shape of a LiveKit API key');
    expect(message).toContain('and LIVEKIT_API_KEY does not');
    expect(message).not.toMatch(new RegExp(`${KEY}|${SECRET}`));
  });

  it('throws when mounted on a Node server with the two variables swapped', () => {
    vi.stubEnv('LIVEKIT_API_KEY', SECRET);
    vi.stubEnv('LIVEKIT_API_SECRET', KEY);
    vi.stubEnv('LIVEKIT_URL', 'wss://env.example');
    expect(() => toNodeHandler(createTokenHandler({ authorize }))).toThrow(/the two look swapped/);
  });

  it('accepts them the right way round, and a key of that shape beside a secret of that shape (nothing says which is which)', async () => {
    // A secret of a key's shape is 15 characters: short, and warned about (shortSecret.test.ts), not refused.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (const [apiKey, apiSecret] of [
        [KEY, SECRET],
        [KEY, 'APIzzzzzzzzzzzz'],
      ]) {
        const response = await createTokenHandler({ authorize, apiKey, apiSecret, serverUrl: 'wss://x.example' })(tokenRequest({}));
        const { participant_token } = (await response.json()) as { participant_token: string };
        expect(await new TokenVerifier(apiKey!, apiSecret!).verify(participant_token)).toMatchObject({ iss: apiKey });
      }
      expect(warn.mock.calls).toEqual([[expect.stringMatching(/^createTokenHandler: `apiSecret` is 15 bytes, shorter than the 32/)]]);
    } finally {
      warn.mockRestore();
    }
  });
});
