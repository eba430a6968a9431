/// <reference lib="es2024.string" />

/**
 * Text the client sent, as an error message shows it: at most `max` characters, then `…`, never
 * cut between the two halves of a character (an emoji), and any lone surrogate in it shown as
 * U+FFFD. A message that echoes a field name or value stays short and well-formed however long
 * the client made it, and whatever it escaped.
 *
 * @example
 * ```ts
 * `The attribute "${shorten(key)}" is reserved for LiveKit.`;
 * ```
 */
export function shorten(text: string, max = 64): string {
  if (text.length <= max) return text.toWellFormed();
  const end = isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end).toWellFormed()}…`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
