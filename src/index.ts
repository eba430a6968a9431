export { CustomTokenSource, type CustomTokenSourceConfig } from './core/CustomTokenSource';
export { createCustomTokenSource } from './core/createCustomTokenSource';
export { createEndpointGenerator, type EndpointGeneratorOptions } from './core/createEndpointGenerator';
export { CustomTokenError, isCustomTokenError, type CustomTokenErrorCode, type CustomTokenErrorOptions } from './core/errors';
export type {
  TokenDetails,
  TokenFetchOptions,
  TokenGenerator,
  TokenGeneratorContext,
  TokenGrants,
  TokenRequest,
  TokenResponse,
  TokenSnapshot,
  TokenSourceEvent,
  TokenStatusKind,
} from './core/types';
export { useCustomTokenSource, type UseCustomTokenSourceOptions } from './hooks/useCustomTokenSource';
export { useTokenStatus, type UseTokenStatusReturn } from './hooks/useTokenStatus';
