import type { CustomTokenSource } from '../core/CustomTokenSource.js';
import { createSessionContext } from './createSessionContext.js';

const tokenSource = createSessionContext<CustomTokenSource>('TokenSourceContext');

/** The session's token source, provided by `CustomTokenSessionProvider`. */
export const TokenSourceContext = tokenSource.Context;

/**
 * Reads the session's token source where a `<CustomTokenSessionProvider>` may be missing: `null` outside one,
 * where `useTokenStatus` throws.
 *
 * @example
 * ```tsx
 * import { useMaybeTokenSourceContext } from 'livekit-custom-token-react';
 *
 * export function Badge() {
 *   const source = useMaybeTokenSourceContext();
 *   return <button disabled={!source} onClick={() => void source?.refresh()}>New token</button>;
 * }
 * ```
 */
export const useMaybeTokenSourceContext = tokenSource.useMaybe;
