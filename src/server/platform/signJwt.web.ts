/** `{"alg":"HS256"}`, base64url: the header livekit-server-sdk (through jose) writes. */
const HEADER = 'eyJhbGciOiJIUzI1NiJ9';

const utf8 = new TextEncoder();
let cachedKey: { secret: string; key: Promise<CryptoKey> } | undefined;

/**
 * Signs a JWT (HS256) over the given payload JSON with WebCrypto, for runtimes without
 * `node:crypto` (Cloudflare Workers, Vercel Edge, the default condition). The HMAC key of the
 * last secret is kept, so a steady secret is imported once.
 *
 * @example
 * ```ts
 * const jwt = await signJwt('{"iss":"devkey","sub":"alice"}', 'secret');
 * ```
 */
export async function signJwt(payloadJson: string, secret: string): Promise<string> {
  const signed = `${HEADER}.${base64url(utf8.encode(payloadJson))}`;
  const signature = await crypto.subtle.sign('HMAC', await keyFor(secret), utf8.encode(signed));
  return `${signed}.${base64url(new Uint8Array(signature))}`;
}

function keyFor(secret: string): Promise<CryptoKey> {
  if (cachedKey?.secret !== secret) {
    // Stryker disable next-line BooleanLiteral: whether the key is extractable does not matter; it is never exported
    const key = crypto.subtle.importKey('raw', utf8.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    cachedKey = { secret, key };
  }
  return cachedKey.key;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
}
