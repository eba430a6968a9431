/**
 * The shortest secret LiveKit's server takes without complaint: outside development mode it logs
 * "secret is too short, should be at least 32 characters for security" for a shorter one (its
 * `ValidateKeys`, counting bytes), and serves with it all the same.
 */
const LIVEKIT_MIN_SECRET_BYTES = 32;

/**
 * A warning for an API secret shorter than LiveKit asks for, or `undefined`. Every token is an
 * HMAC of known text under the secret, so a caller holding one can guess a short secret offline,
 * then sign any token it likes: any identity, room or agent. Not refused, as LiveKit's server
 * does not refuse it: a deployment that works keeps working. LiveKit's development pair
 * (`livekit-server --dev`: `devkey` / `secret`) is public anyway, and not warned about.
 * The message names the secret by `name` and never repeats it. It counts bytes, as LiveKit does:
 * a secret of characters outside ASCII (`ключ…`) is told its characters too, which are fewer.
 *
 * @example
 * ```ts
 * shortSecretWarning('APIk3y', 'hunter2', '`apiSecret`'); // '`apiSecret` is 7 bytes, shorter than the 32 bytes …'
 * ```
 */
export function shortSecretWarning(apiKey: string, apiSecret: string, name: string): string | undefined {
  if (apiKey === 'devkey' && apiSecret === 'secret') return undefined;
  const bytes = new TextEncoder().encode(apiSecret).length;
  if (bytes >= LIVEKIT_MIN_SECRET_BYTES) return undefined;
  const characters = [...apiSecret].length;
  const size = characters === bytes ? `${bytes} bytes` : `${bytes} bytes of UTF-8 (${characters} characters)`;
  return (
    `createTokenHandler: ${name} is ${size}, shorter than the ${LIVEKIT_MIN_SECRET_BYTES} bytes LiveKit's server asks for ` +
    '(it logs "secret is too short" for one outside development mode): anyone holding one of its tokens can guess a short ' +
    'secret offline and sign tokens for any identity, room and agent. Tokens are still issued. Use a generated pair ' +
    '(`livekit-server generate-keys` makes a 43-character secret, as LiveKit Cloud does) on the server and here.'
  );
}
