export { createTokenHandler } from './createTokenHandler.js';
export type {
  IORedisClientLike,
  NodeRedisClientLike,
  RedisClientLike,
  RedisLimitStore,
  TokenLimits,
  TokenLimitsPolicy,
  TokenLimitStore,
  TokenRateLimit,
} from './limits/types.js';
export { toNodeHandler, type NodeRequestLike, type NodeResponseLike } from './node/toNodeHandler.js';
export { TokenHandlerError, type TokenHandlerErrorCode } from './TokenHandlerError.js';
export type {
  AgentPolicy,
  AuthorizedParticipant,
  ParticipantGrants,
  RequestedAgent,
  RoomPolicy,
  TokenHandlerConfig,
  TokenHandler,
  TokenHandlerCorsConfig,
  TokenHandlerEnv,
  TokenAuthorizeContext,
  TokenPolicyContext,
  TokenRequestBody,
} from './types.js';
