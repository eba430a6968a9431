import * as React from 'react';
import { createSessionContext } from './createSessionContext.js';

/**
 * Whether the session's page has an `ErrorNotice` (with an error or not), provided by
 * `CustomTokenSessionProvider`: the alert that announces the session's error, which other
 * components then leave unannounced.
 */
export interface ErrorNoticeRegistry {
  hasNotice: boolean;
  /** Counts one `ErrorNotice` in until the returned function is called. */
  register: () => () => void;
}

export const ErrorNoticeRegistryContext = /* @__PURE__ */ createSessionContext<ErrorNoticeRegistry>('ErrorNoticeRegistryContext');

/** The provider's registry: memoised, `register` stable. */
export function useErrorNoticeRegistry(): ErrorNoticeRegistry {
  const [count, setCount] = React.useState(0);
  const register = React.useCallback(() => {
    setCount((current) => current + 1);
    return () => setCount((current) => current - 1);
  }, []);
  const hasNotice = count > 0;
  return React.useMemo(() => ({ hasNotice, register }), [hasNotice, register]);
}
