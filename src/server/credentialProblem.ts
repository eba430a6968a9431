/**
 * What is wrong with a credential's value, or `undefined` when it is fine. Never repeats a
 * secret.
 *
 * @example
 * ```ts
 * credentialProblem('serverUrl', 'localhost:7880'); // '`serverUrl` must be a wss://, … URL, got "localhost:7880".'
 * ```
 */
export function credentialProblem(option: 'apiKey' | 'apiSecret' | 'serverUrl', value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return `\`${option}\` must be a non-empty string.`;
  if (option === 'serverUrl' && !/^(wss?|https?):\/\/[^/]/.test(value)) {
    return `\`serverUrl\` must be a wss://, ws://, https:// or http:// URL, got "${value}".`;
  }
  return undefined;
}
