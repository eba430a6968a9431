import { fits, livekitLimits, utf8Bytes } from '../../core/livekitLimits.js';
import { tokenPayload, type TokenIssuer } from './mintToken.js';
import type { TokenPlan } from './planToken.js';

/** What a token has besides its payload: the header, the HS256 signature (43 characters) and two dots. */
const HEADER_AND_SIGNATURE = 'eyJhbGciOiJIUzI1NiJ9'.length + 43 + 2;
/** The most UTF-8 bytes of payload JSON whose base64url (4 characters per 3 bytes) fits the join. */
const MAX_PAYLOAD_BYTES = Math.floor(((livekitLimits.joinTokenBytes - HEADER_AND_SIGNATURE) * 3) / 4);

/**
 * Throws when the token {@link mintToken} would sign for `plan` is longer than a join can carry
 * (`livekitLimits.joinTokenBytes`), naming its largest parts. Each field may be within its own
 * limit and the token still too long: JSON writes a control character in six bytes
 * (`\u0001`), base64url adds a third, and the agents' metadata and the attributes add up. A
 * plain Error: only `authorize`, or a `maxBodyBytes` raised near a MiB, can get there (a 500).
 *
 * @example
 * ```ts
 * checkFitsJoin(plan, { apiKey: 'devkey', ttlSeconds: 600 }); // before the limits count it
 * ```
 */
export function checkFitsJoin(plan: TokenPlan, issuer: TokenIssuer): void {
  const payload = tokenPayload(plan, issuer);
  if (fits(payload, MAX_PAYLOAD_BYTES)) return;
  const tokenBytes = HEADER_AND_SIGNATURE + Math.ceil((utf8Bytes(payload) * 4) / 3);
  const parts = [
    ['metadata', plan.metadata ?? ''],
    ['attributes', plan.attributes ?? {}],
    ["room_config.agents' metadata", plan.agents.map((agent) => agent.metadata ?? '')],
  ] as const;
  const sizes = parts
    .map(([part, value]) => ({ part, bytes: utf8Bytes(JSON.stringify(value)) }))
    .sort((a, b) => b.bytes - a.bytes)
    .map(({ part, bytes }) => `${part} ${bytes}`);
  throw new Error(
    `The token would be ${tokenBytes} bytes, longer than a join can carry (${livekitLimits.joinTokenBytes}): LiveKit's server would refuse it (431). ` +
      `Bytes of JSON in it, largest first: ${sizes.join(', ')}. Each may be within its own limit; JSON writes a control character in 6 bytes and the token is base64url (4/3).`,
  );
}
