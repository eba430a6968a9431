import * as React from 'react';
import { createSessionContext } from './createSessionContext.js';

/**
 * Whether the session's page has an `ErrorNotice` (with an error or not), provided by
 * `CustomTokenSessionProvider`: the alert that announces the session's error, which other
 * components then leave unannounced.
 */
export interface ErrorNoticeRegistry {
  /** Counts one `ErrorNotice` in until the returned function is called. */
  register: () => () => void;
  subscribe: (listener: () => void) => () => void;
  hasNotice: () => boolean;
}

export function createErrorNoticeRegistry(): ErrorNoticeRegistry {
  let count = 0;
  const listeners = new Set<() => void>();
  const change = (by: number) => {
    count += by;
    listeners.forEach((listener) => listener());
  };
  return {
    register: () => {
      change(1);
      return () => change(-1);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    hasNotice: () => count > 0,
  };
}

export const ErrorNoticeRegistryContext = /* @__PURE__ */ createSessionContext<ErrorNoticeRegistry>('ErrorNoticeRegistryContext');

const noSubscription = () => () => {};
const noNotice = () => false;

/** Whether an `ErrorNotice` announces the session's error on this page; `false` outside a session. */
export function useHasErrorNotice(): boolean {
  const registry = React.useContext(ErrorNoticeRegistryContext);
  return React.useSyncExternalStore(registry?.subscribe ?? noSubscription, registry?.hasNotice ?? noNotice, noNotice);
}
