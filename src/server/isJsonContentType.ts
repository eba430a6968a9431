/** A media type's essence (`type/subtype`), in RFC 9110's token characters. */
const ESSENCE = /^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+$/;

/** The comma-separated values of a header, commas inside quoted parameters kept. */
const HEADER_VALUES = /(?:[^,"]|"(?:[^"\\]|\\.)*"?)+/g;

/**
 * Whether a request's `Content-Type` is JSON (`application/json` or `application/*+json`), read
 * as Fetch extracts a MIME type: a header sent twice arrives joined by `, ` (Bun, Deno and
 * workerd join them; Node keeps its first line), and the last valid type wins (`*∕*` is not one).
 * Two JSON lines are then JSON on every runtime, as on Node.
 *
 * @example
 * ```ts
 * isJsonContentType('text/plain, application/json'); // true: the last valid type
 * ```
 */
export function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  let essence: string | undefined;
  for (const value of contentType.includes(',') ? (contentType.match(HEADER_VALUES) ?? []) : [contentType]) {
    const candidate = value.split(';')[0]!.trim().toLowerCase();
    if (ESSENCE.test(candidate) && candidate !== '*/*') essence = candidate;
  }
  return essence === 'application/json' || /^application\/[^/]+\+json$/.test(essence ?? '');
}
