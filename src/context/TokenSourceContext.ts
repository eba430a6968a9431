import * as React from 'react';
import type { CustomTokenSource } from '../core/CustomTokenSource.js';
import { createSessionContext } from './createSessionContext.js';

/** The session's token source, provided by `CustomTokenSessionProvider`. */
export const TokenSourceContext = /* @__PURE__ */ createSessionContext<CustomTokenSource>('TokenSourceContext');

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
export const useMaybeTokenSourceContext = (): CustomTokenSource | null => React.useContext(TokenSourceContext);
