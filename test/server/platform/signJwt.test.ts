// @vitest-environment node
import { TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, it, vi } from 'vitest';
import { signJwt as signWithNode } from '../../../src/server/platform/signJwt.node';
import { signJwt as signWithWebCrypto } from '../../../src/server/platform/signJwt.web';

const signers = [
  ['node:crypto', signWithNode],
  ['WebCrypto', signWithWebCrypto],
] as const;

const payload = (claims: Record<string, unknown>) => JSON.stringify({ iss: 'devkey', sub: 'alice', nbf: 0, exp: 4_102_444_800, ...claims });
const decode = (part: string) => Buffer.from(part, 'base64url').toString('utf8');

describe.each(signers)('signJwt (%s)', (_, signJwt) => {
  it('writes the HS256 header and the payload as given, base64url-encoded', async () => {
    const json = payload({ name: 'Ålice ☺' });
    const [header, body, signature] = (await signJwt(json, 'secret')).split('.');
    expect(decode(header!)).toBe('{"alg":"HS256"}');
    expect(decode(body!)).toBe(json);
    expect(signature).toMatch(/^[\w-]{43}$/);
  });

  it('signs a token livekit-server-sdk verifies with the same secret, and refuses with another', async () => {
    const jwt = await signJwt(payload({}), 'secret');
    expect(await new TokenVerifier('devkey', 'secret').verify(jwt)).toMatchObject({ sub: 'alice' });
    await expect(new TokenVerifier('devkey', 'other-secret').verify(jwt)).rejects.toThrow();
  });

  it('signs with the secret of each call when secrets alternate', async () => {
    const json = payload({});
    const first = await signJwt(json, 'secret-a');
    const second = await signJwt(json, 'secret-b');
    const again = await signJwt(json, 'secret-a');
    expect(second).not.toBe(first);
    expect(again).toBe(first);
    expect(await new TokenVerifier('devkey', 'secret-b').verify(second)).toMatchObject({ sub: 'alice' });
  });

  it('encodes large payloads (over 32 KiB) whole', async () => {
    const json = payload({ metadata: 'é'.repeat(40_000) });
    const jwt = await signJwt(json, 'secret');
    expect(decode(jwt.split('.')[1]!)).toBe(json);
    expect(await new TokenVerifier('devkey', 'secret').verify(jwt)).toMatchObject({ metadata: 'é'.repeat(40_000) });
  });
});

describe('signJwt: both runtimes', () => {
  it('sign byte for byte the same token', async () => {
    for (const json of [payload({}), payload({ name: 'x' }), payload({ metadata: 'm'.repeat(0x8000) }), '{}', '{"a":"?>~"}']) {
      expect(await signWithWebCrypto(json, 'secret')).toBe(signWithNode(json, 'secret'));
    }
  });
});

describe('signJwt (WebCrypto): the key of the last secret', () => {
  it('is imported once while the secret stays the same, and again when it changes', async () => {
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    await signWithWebCrypto(payload({}), 'steady-secret');
    await signWithWebCrypto(payload({ name: 'b' }), 'steady-secret');
    await signWithWebCrypto(payload({ name: 'c' }), 'steady-secret');
    expect(importKey).toHaveBeenCalledTimes(1);
    await signWithWebCrypto(payload({}), 'next-secret');
    expect(importKey).toHaveBeenCalledTimes(2);
  });
});
