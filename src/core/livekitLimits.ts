const utf8 = new TextEncoder();

// Client-safe (one shared encoder): the server's checks and the token source's share these. The limits are
// constants too: the client imports them and `fits` without the object and its `attributesFit`.
export const NAME_BYTES = 256;
export const METADATA_BYTES = 512 * 1024;
export const ATTRIBUTES_BYTES = 64 * 1024;

/**
 * What LiveKit's server accepts in a token, in UTF-8 bytes as it counts them (Go's `len`): room
 * name, identity and name 256; metadata 512 KiB; attributes 64 KiB, keys and values together. A
 * token whose identity, room name, metadata or attributes are past theirs is minted fine and
 * refused when it joins (400 or 500). The name, and an agent's metadata held to the metadata
 * limit, LiveKit checks only when they are updated (`UpdateParticipant`, `CreateDispatch`): a token
 * past them joins, but the handler keeps them within what LiveKit lets a participant or dispatch
 * set. The whole token is at most `joinTokenBytes`: a join carries it in its URL, and LiveKit's
 * server (Go's `net/http`) reads 1 MiB and 4 KiB of a request's URL and headers, answering a
 * longer one 431; the 4 KiB are left for the rest of the join: from Chromium, livekit-client
 * 2.23's `join_request` (its gzipped offer) and headers took 2 983 bytes. A token past it is
 * refused before any limit counts it.
 *
 * @example
 * ```ts
 * livekitLimits.fits('é'.repeat(129), livekitLimits.nameBytes); // false: 258 bytes
 * ```
 */
export const livekitLimits = {
  nameBytes: NAME_BYTES,
  metadataBytes: METADATA_BYTES,
  attributesBytes: ATTRIBUTES_BYTES,
  joinTokenBytes: 1024 * 1024,
  fits,
  attributesFit,
} as const;

// The functions are declared outside the `as const` object: Stryker mutates nothing inside an
// `as` expression (it skips it as a type node), so written inside it they were never mutation-tested.

/**
 * Whether `text` takes at most `maxBytes` bytes in UTF-8. A UTF-16 code unit is one to three
 * bytes, so only a string whose length falls between `maxBytes / 3` and `maxBytes` is encoded.
 */
export function fits(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return false;
  if (text.length * 3 <= maxBytes) return true;
  return utf8Bytes(text) <= maxBytes;
}

/** How many bytes `text` takes in UTF-8, as LiveKit's server counts it. */
export function utf8Bytes(text: string): number {
  return utf8.encode(text).length;
}

/**
 * Whether `attributes` fit LiveKit's limit, keys and values together. As in `fits`, they are
 * encoded only when their UTF-16 length falls between a third of the limit and the limit: a
 * 16 KiB body's 1 800 attributes took about 6 ms to encode one by one.
 */
function attributesFit(attributes: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(attributes);
  let length = 0;
  for (const [key, value] of entries) length += key.length + value.length;
  if (length > livekitLimits.attributesBytes) return false;
  // Stryker disable next-line EqualityOperator: 65 536 is no multiple of 3, so `length * 3` never equals it and `<` reads as `<=`
  if (length * 3 <= livekitLimits.attributesBytes) return true;
  let total = 0;
  for (const [key, value] of entries) total += utf8Bytes(key) + utf8Bytes(value);
  return total <= livekitLimits.attributesBytes;
}
