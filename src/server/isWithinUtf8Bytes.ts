const utf8 = new TextEncoder();

/**
 * Whether `text` takes at most `maxBytes` bytes in UTF-8 — how LiveKit's server (Go's `len`)
 * measures names, identities, metadata and attributes. A UTF-16 code unit is one to three
 * bytes, so only a string whose length falls between `maxBytes / 3` and `maxBytes` is encoded.
 *
 * @example
 * ```ts
 * isWithinUtf8Bytes('é'.repeat(256), 256); // false: 512 bytes
 * ```
 */
export function isWithinUtf8Bytes(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return false;
  if (text.length * 3 <= maxBytes) return true;
  return utf8.encode(text).length <= maxBytes;
}
