import { CustomTokenError } from '../core/errors.js';
import type { TokenGenerator } from '../core/types.js';

/** The errors {@link missingGenerator} failed with: known by identity, not by what they lack (a generator may reject with nothing). */
const refusals = new WeakSet<CustomTokenError>();

/**
 * The generator of a provider given none of `generator`, `tokenSource` and `tokenEndpoint` (a
 * JavaScript app's unset `tokenEndpoint={process.env.…}`): a failure no retry can fix, so none is
 * made or offered.
 */
export const missingGenerator: TokenGenerator = () => {
  const refusal = new CustomTokenError(
    'generator_failed',
    'CustomTokenSessionProvider needs a generator, a tokenSource or a tokenEndpoint; it was given none.',
  );
  refusals.add(refusal);
  return Promise.reject(refusal);
};

/** Whether `error` is {@link missingGenerator}'s: only other props fix it. */
export function isMissingGeneratorError(error: CustomTokenError): boolean {
  return refusals.has(error);
}
