/**
 * The longest request line and headers LiveKit's server reads of a join — and the token travels
 * in the join's URL (`?access_token=`): Go's `http.DefaultMaxHeaderBytes` (1 MiB) plus the 4 KiB
 * its reader takes beyond it. A longer join is answered 431, so no token longer than this can
 * join, whatever the fields in it: LiveKit's own limits (512 KiB of metadata, 64 KiB of
 * attributes, an agent's metadata beside them, each written with JSON's escapes, then base64url)
 * allow tokens of several MiB.
 *
 * @example
 * ```ts
 * if (participantToken.length > LIVEKIT_JOIN_MAX_BYTES) throw new Error('LiveKit would answer this join 431.');
 * ```
 */
export const LIVEKIT_JOIN_MAX_BYTES = 2 ** 20 + 4096;
