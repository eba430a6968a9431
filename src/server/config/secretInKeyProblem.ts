/**
 * What is wrong with an API key and secret together, or `undefined` when nothing is: a key that
 * contains the secret — the same value set twice, or LiveKit's `key: secret` pair (as
 * `LIVEKIT_KEYS` writes it) pasted whole as the key. A token carries its key in the clear, as its
 * `iss` claim, so every token would hand its caller the secret, to sign any token they like with.
 * The message names the two by `names` and repeats neither value.
 *
 * @example
 * ```ts
 * secretInKeyProblem('same', 'same', ['`apiKey`', '`apiSecret`']); // '`apiKey` contains the API secret (`apiSecret`): …'
 * ```
 */
export function secretInKeyProblem(apiKey: string, apiSecret: string, [key, secret]: readonly [string, string]): string | undefined {
  if (!apiKey.includes(apiSecret)) return undefined;
  return (
    `${key} contains the API secret (${secret}): a token carries its key in the clear (its \`iss\` claim), so every token ` +
    'would hand its caller the secret. Set the key to the API key alone, as LiveKit shows it beside the secret.'
  );
}
