import 'server-only';
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The demo's stand-in for a real login: a cookie naming the user, signed with HMAC-SHA256 so a
 * browser cannot name itself someone else. Replace it with your own auth.
 */
export const DEMO_SESSION_COOKIE = 'demo_session';

const MAX_NAME_CHARS = 64;

export function signDemoSession(name: string): string {
  const payload = Buffer.from(name, 'utf8').toString('base64url');
  return `${payload}.${signature(payload)}`;
}

/** The user named by a signed cookie value, or `null` when it is missing, malformed or forged. */
export function readDemoSession(cookieValue: string | undefined): string | null {
  const [payload, mac, ...rest] = (cookieValue ?? '').split('.');
  if (!payload || !mac || rest.length > 0) return null;
  const expected = Buffer.from(signature(payload));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const name = Buffer.from(payload, 'base64url').toString('utf8');
  return isValidName(name) ? name : null;
}

export function isValidName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME_CHARS && /^[\p{L}\p{N} ._-]+$/u.test(name);
}

function signature(payload: string): string {
  return createHmac('sha256', demoSecret()).update(payload).digest('base64url');
}

function demoSecret(): string {
  const secret = process.env.DEMO_SESSION_SECRET;
  if (!secret) throw new Error('Set DEMO_SESSION_SECRET: the key that signs the demo login cookie.');
  return secret;
}
