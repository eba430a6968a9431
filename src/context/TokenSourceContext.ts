import type { CustomTokenSource } from '../core/CustomTokenSource';
import { createSessionContext } from './createSessionContext';

/** The session's token source, provided by `CustomTokenSessionProvider`. */
export const {
  Context: TokenSourceContext,
  useMaybe: useMaybeTokenSourceContext,
  useRequired: useTokenSourceContext,
} = createSessionContext<CustomTokenSource>('TokenSourceContext');
