/** Does nothing: the listener of a subscription held only to keep a source active, the handler of a rejection already reported elsewhere. */
export const noop = (): void => {};
