export { createTokenHandler } from './createTokenHandler';
export { toNodeHandler, type NodeRequestLike, type NodeResponseLike } from './toNodeHandler';
export { TokenHandlerError, type TokenHandlerErrorCode } from './TokenHandlerError';
export type {
  AgentPolicy,
  AuthorizedParticipant,
  RequestedAgent,
  RoomPolicy,
  TokenHandlerConfig,
  TokenHandlerCorsConfig,
  TokenPolicyContext,
  TokenRequestBody,
} from './types';
