import type { CustomTokenError } from './errors.js';

/**
 * The sources that start no generator call, each with the error that a fetch needing one fails
 * with instead: `useCustomTokenSource`'s while its component is unmounted. Refused before the
 * call, the error is that fetch's own: refused from inside the call, it would be the state of the
 * query, which every source of the `scope` reads.
 */
export const refusedCalls = new WeakMap<object, () => CustomTokenError>();
