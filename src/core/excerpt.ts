/** The most of a failure's own words an error's message shows. */
const MAX_EXCERPT_CHARACTERS = 300;

/**
 * A failure's own words on one line, for a message that is shown and logged: controls (newlines,
 * terminal escapes) and bidirectional overrides become spaces, and at most
 * {@link MAX_EXCERPT_CHARACTERS} are kept, never half an emoji.
 */
export function oneLine(words: string): string {
  const line = words.replace(/[\s\p{Cc}\u202a-\u202e\u2066-\u2069]+/gu, ' ').trim();
  return line.length > MAX_EXCERPT_CHARACTERS ? `${line.slice(0, MAX_EXCERPT_CHARACTERS).replace(/[\ud800-\udbff]$/, '')}…` : line;
}

/**
 * What an HTML page says (a proxy's or CDN's error page, a framework's 404, a sign-in page): its
 * title, else its text without tags, styles and scripts. Each pattern stops at the next `<`, so a
 * page of unclosed tags is read in time linear in its length.
 */
export function htmlWords(html: string): string {
  return /<title\b[^<>]*>([^<]*)/i.exec(html)?.[1]?.trim() || html.replace(/<(script|style)\b[^<>]*>[^<]*|<[^<>]*>/gi, ' ');
}

/** A failure's own words, ready for a message: an HTML page (a generator that threw the text of an error answer) by what it says, on one line. */
export function excerpt(words: string): string {
  return oneLine(/^\s*<(?:!doctype|html)\b/i.test(words) ? htmlWords(words) : words);
}
