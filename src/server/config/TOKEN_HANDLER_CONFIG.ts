/**
 * Where a handler made by `createTokenHandler` keeps its resolved config, so `toNodeHandler`
 * can serve Node requests through the same pipeline without building Fetch objects.
 *
 * @example
 * ```ts
 * const config = (handler as { [TOKEN_HANDLER_CONFIG]?: ResolvedTokenHandlerConfig })[TOKEN_HANDLER_CONFIG];
 * ```
 */
export const TOKEN_HANDLER_CONFIG: unique symbol = Symbol('livekit-custom-token-react/server: token handler config');
