/**
 * What is wrong with a credential's value, or `undefined` when it is fine. Never repeats a
 * secret — also one set where the server URL belongs. A key or secret with whitespace around it
 * (JavaScript's `trim()`: a trailing newline, a byte order mark) is refused: LiveKit's server reads
 * its keys from YAML, which drops such spaces, tabs and newlines, so the tokens would be refused at
 * join, far from the cause; the rarer ones `trim()` also takes (a no-break space) are as surely a mistake.
 *
 * @example
 * ```ts
 * credentialProblem('serverUrl', 'localhost:7880'); // '`serverUrl` must be a wss://, … URL, got "localhost:7880".'
 * ```
 */
export function credentialProblem(option: 'apiKey' | 'apiSecret' | 'serverUrl', value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return `\`${option}\` must be a non-empty string.`;
  if (option !== 'serverUrl' && value !== value.trim()) {
    // LiveKit's server reads its keys from YAML, which drops spaces, tabs and newlines there: every token made with it would be refused at join.
    return (
      `\`${option}\` has whitespace at its start or end (a trailing newline, say, from a file or a secret manager): ` +
      "LiveKit's server reads its keys without it, so every token made with it would be refused at join. Remove it (trim the value where you read it)."
    );
  }
  if (option === 'serverUrl' && !/^(wss?|https?):\/\/[^/]/.test(value)) {
    // A value with neither (no host, no port, no scheme) is no address: the API secret in LIVEKIT_URL, say. Not shown.
    const got = /[.:]/.test(value)
      ? `"${value}"`
      : `${value.length} characters with no "." or ":" (not shown: it may be a secret set in the wrong place)`;
    return `\`serverUrl\` must be a wss://, ws://, https:// or http:// URL, got ${got}.`;
  }
  return undefined;
}
