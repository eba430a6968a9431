import { createSessionContext } from './createSessionContext.js';

/** The session's actions. Stable for the provider's life; none of them ever rejects. */
export interface SessionActions {
  /** Connects (fetching a token first). A call while connecting returns the same promise. */
  readonly start: () => Promise<void>;
  /** Disconnects, aborting a connect in flight. */
  readonly end: () => Promise<void>;
  /** Ends the current session, if any, and starts a new one. */
  readonly restart: () => Promise<void>;
}

/** The session's actions, provided by `CustomTokenSessionProvider`, apart from its state. */
export const {
  Context: SessionActionsContext,
  useMaybe: useMaybeSessionActionsContext,
  useRequired: useSessionActionsContext,
} = createSessionContext<SessionActions>('SessionActionsContext');
