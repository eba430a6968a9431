/**
 * The shape of a key LiveKit makes (`livekit-server generate-keys`, LiveKit Cloud): `API` and 12
 * letters or digits. Its secrets are 43 characters, so no secret LiveKit made has this shape.
 */
const LIVEKIT_KEY = /^API[0-9A-Za-z]{12}$/;

/**
 * What is wrong with an API key and secret together, or `undefined` when nothing is. A token
 * carries its key in the clear, as its `iss` claim, so a pair that would put the secret there
 * would hand it to every caller, to sign any token they like with:
 * - a key that contains the secret: the same value set twice, or LiveKit's `key: secret` pair (as
 *   `LIVEKIT_KEYS` writes it) pasted whole as the key;
 * - the two swapped: a secret with the shape of a LiveKit key beside a key without it.
 *
 * The message names the two by `names` and repeats neither value.
 *
 * @example
 * ```ts
 * credentialPairProblem('same', 'same', ['`apiKey`', '`apiSecret`']); // '`apiKey` contains the API secret (`apiSecret`): …'
 * ```
 */
export function credentialPairProblem(apiKey: string, apiSecret: string, [key, secret]: readonly [string, string]): string | undefined {
  const inTheClear = 'a token carries its key in the clear (its `iss` claim), so every token would hand its caller the secret.';
  if (apiKey.includes(apiSecret)) {
    return `${key} contains the API secret (${secret}): ${inTheClear} Set the key to the API key alone, as LiveKit shows it beside the secret.`;
  }
  if (LIVEKIT_KEY.test(apiSecret) && !LIVEKIT_KEY.test(apiKey)) {
    return (
      `${secret} has the shape of a LiveKit API key (API and 12 letters or digits) and ${key} does not: the two look swapped, ` +
      `and swapped, ${inTheClear} Set each to its own value.`
    );
  }
  return undefined;
}
