/**
 * Text the client sent, as an error message shows it: at most `max` characters, then `…`. A
 * message that echoes a field name or value stays short however long the client made it.
 *
 * @example
 * ```ts
 * `The attribute "${shorten(key)}" is reserved for LiveKit.`;
 * ```
 */
export function shorten(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
