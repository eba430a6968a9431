import 'server-only';

/**
 * The demo's stand-in for a real login: a cookie naming the user, signed with HMAC-SHA256 so a
 * browser cannot name itself someone else. Replace it with your own auth. WebCrypto only, so the
 * Node and the Edge token routes share it.
 */
export const DEMO_SESSION_COOKIE = 'demo_session';

const MAX_NAME_CHARS = 64;
const utf8 = new TextEncoder();

export async function signDemoSession(name: string): Promise<string> {
  const payload = base64url(utf8.encode(name));
  return `${payload}.${base64url(new Uint8Array(await crypto.subtle.sign('HMAC', await demoKey(), utf8.encode(payload))))}`;
}

/** The user named by a signed cookie value, or `null` when it is missing, malformed or forged. */
export async function readDemoSession(cookieValue: string | undefined): Promise<string | null> {
  const [payload, mac, ...rest] = (cookieValue ?? '').split('.');
  if (!payload || !mac || rest.length > 0) return null;
  const signature = fromBase64url(mac);
  // crypto.subtle.verify compares in constant time.
  if (!signature || !(await crypto.subtle.verify('HMAC', await demoKey(), signature, utf8.encode(payload)))) return null;
  const bytes = fromBase64url(payload);
  const name = bytes ? new TextDecoder().decode(bytes) : '';
  return isValidName(name) ? name : null;
}

export function isValidName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME_CHARS && /^[\p{L}\p{N} ._-]+$/u.test(name);
}

function demoKey(): Promise<CryptoKey> {
  const secret = process.env.DEMO_SESSION_SECRET;
  if (!secret) throw new Error('Set DEMO_SESSION_SECRET: the key that signs the demo login cookie.');
  return crypto.subtle.importKey('raw', utf8.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}
