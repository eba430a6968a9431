import type { CustomTokenSource } from '../core/CustomTokenSource.js';
import { createSessionContext } from './createSessionContext.js';

/** The session's token source, provided by `CustomTokenSessionProvider`. */
export const {
  Context: TokenSourceContext,
  useMaybe: useMaybeTokenSourceContext,
  useRequired: useTokenSourceContext,
} = createSessionContext<CustomTokenSource>('TokenSourceContext');
