// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenHandler } from '../../../src/server';
import { tokenRequest } from '../handlerConfig';

const authorize = () => ({ identity: 'alice' });
const SERVER_URL = 'ws://127.0.0.1:7880';
/** A secret as `livekit-server generate-keys` makes one: 43 characters. */
const GENERATED = 'kQ3vTz8Lr2XwYp5NcB7dHf1JmA9sGe4UoR6iVtZyWqE';

afterEach(() => vi.unstubAllEnvs());

/** The console.warn calls made while `run` runs, as text. */
async function warningsOf(run: () => unknown): Promise<string[]> {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    await run();
    return warn.mock.calls.map((args) => args.map(String).join(' '));
  } finally {
    warn.mockRestore();
  }
}

describe('an API secret shorter than the 32 bytes LiveKit asks for', () => {
  it('is warned about once, when the handler is created with it, naming the rule and not the secret; tokens are still issued', async () => {
    const onError = vi.fn();
    let handler: ReturnType<typeof createTokenHandler>;
    const atCreation = await warningsOf(() => {
      handler = createTokenHandler({ apiKey: 'APIk3yOfTwelve', apiSecret: 'hunter2-hunter2', serverUrl: SERVER_URL, authorize, onError });
    });
    expect(atCreation).toHaveLength(1);
    expect(atCreation[0]).toMatch(/`apiSecret` is 15 bytes, shorter than the 32 bytes LiveKit's server asks for/);
    expect(atCreation[0]).toMatch(/livekit-server generate-keys/);
    expect(atCreation[0]).not.toContain('hunter2');
    const later = await warningsOf(async () => {
      for (let request = 0; request < 3; request += 1) expect((await handler(tokenRequest({ room_name: 'standup' }))).status).toBe(201);
    });
    expect(later, later.join()).toEqual([]);
    expect(onError).not.toHaveBeenCalled();
  });

  it('is warned about once, at the first request that reads it from the environment', async () => {
    vi.stubEnv('LIVEKIT_API_KEY', 'APIk3yOfTwelve');
    vi.stubEnv('LIVEKIT_API_SECRET', 'short');
    vi.stubEnv('LIVEKIT_URL', SERVER_URL);
    let handler: ReturnType<typeof createTokenHandler>;
    expect(await warningsOf(() => (handler = createTokenHandler({ authorize })))).toEqual([]);
    const atRequests = await warningsOf(async () => {
      for (let request = 0; request < 3; request += 1) expect((await handler(tokenRequest({ room_name: 'standup' }))).status).toBe(201);
    });
    expect(atRequests).toHaveLength(1);
    expect(atRequests[0]).toMatch(/LIVEKIT_API_SECRET is 5 bytes, shorter than the 32 bytes/);
  });

  it('counts the bytes of UTF-8 LiveKit counts, and says so, for a secret with characters outside ASCII', async () => {
    // 12 characters, 24 bytes: short for LiveKit, whose ValidateKeys takes len() of a Go string.
    const apiSecret = 'ключключключ';
    const warnings = await warningsOf(() => createTokenHandler({ apiKey: 'APIk3yOfTwelve', apiSecret, serverUrl: SERVER_URL, authorize }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/`apiSecret` is 24 bytes of UTF-8 \(12 characters\), shorter than the 32 bytes LiveKit's server asks for/);
    expect(warnings[0]).not.toContain(apiSecret);
  });

  it('is not warned about for a secret of 32 bytes of UTF-8, fewer characters', async () => {
    const apiSecret = 'ключключключключ';
    expect(await warningsOf(() => createTokenHandler({ apiKey: 'APIk3yOfTwelve', apiSecret, serverUrl: SERVER_URL, authorize }))).toEqual(
      [],
    );
  });

  it.each([
    ['a generated secret', 'APIk3yOfTwelve', GENERATED],
    ["LiveKit's development pair (livekit-server --dev), public anyway", 'devkey', 'secret'],
  ])('is not warned about for %s', async (_, apiKey, apiSecret) => {
    expect(await warningsOf(() => createTokenHandler({ apiKey, apiSecret, serverUrl: SERVER_URL, authorize })(tokenRequest({})))).toEqual(
      [],
    );
  });
});
