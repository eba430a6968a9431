/** A media type's essence (`type/subtype`), in RFC 9110's token characters. */
const ESSENCE = /^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+$/;

/** The comma-separated values of a header, commas inside quoted parameters kept. */
const HEADER_VALUES = /(?:[^,"]|"(?:[^"\\]|\\.)*"?)+/g;

/**
 * Whether a request's `Content-Type` is JSON (`application/json` or `application/*+json`) both
 * ways a browser reads it:
 * - as its CORS check does, the whole value one type: `text/plain;,application/json` is
 *   `text/plain` there, safelisted, so a cross-site page sends it without a preflight — not JSON;
 * - as Fetch extracts a MIME type: a header sent twice arrives joined by `, ` (Bun, Deno and
 *   workerd join them; Node keeps its first line), and the last valid type wins (`*∕*` is not
 *   one). Two JSON lines are then JSON on every runtime, as on Node.
 *
 * @example
 * ```ts
 * isJsonContentType('application/json; charset=utf-8'); // true
 * isJsonContentType('text/plain;,application/json'); // false: text/plain to the CORS check
 * ```
 */
export function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const whole = essenceOf(contentType);
  if (whole !== undefined && !isJsonEssence(whole)) return false;
  // One value: its essence is the whole's, JSON here if it is one at all.
  if (!contentType.includes(',')) return whole !== undefined;
  let essence: string | undefined;
  for (const value of contentType.match(HEADER_VALUES) ?? []) {
    const candidate = essenceOf(value);
    if (candidate !== undefined && candidate !== '*/*') essence = candidate;
  }
  return essence !== undefined && isJsonEssence(essence);
}

/** The essence of one media type (lower case), `undefined` when it is not one. */
function essenceOf(mediaType: string): string | undefined {
  const candidate = trimHttpWhitespace(mediaType.split(';')[0]!).toLowerCase();
  return ESSENCE.test(candidate) ? candidate : undefined;
}

function isJsonEssence(essence: string): boolean {
  return essence === 'application/json' || /^application\/[^/]+\+json$/.test(essence);
}

/** Fetch's HTTP whitespace: `trim()` would also drop a no-break space, which makes no media type. */
const HTTP_WHITESPACE = ' \t\r\n';

/**
 * `text` without HTTP whitespace at either end. A loop, not a regular expression: `/[ \t]+$/`
 * tries again from every space, and 16 KiB of them in a header took 270 ms.
 */
function trimHttpWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && HTTP_WHITESPACE.includes(text[start]!)) start += 1;
  while (end > start && HTTP_WHITESPACE.includes(text[end - 1]!)) end -= 1;
  return text.slice(start, end);
}
