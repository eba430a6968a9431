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
export {
  CustomTokenSessionProvider,
  type CustomTokenSessionProviderProps,
  type SessionTokenProps,
} from './providers/CustomTokenSessionProvider';
export { useSessionState, type UseSessionStateReturn } from './hooks/useSessionState';
export { useSessionActions } from './hooks/useSessionActions';
export { useCameraTracks, type UseCameraTracksOptions } from './hooks/useCameraTracks';
export { useAgentStatus } from './hooks/useAgentStatus';
export type { SessionState } from './context/SessionStateContext';
export type { SessionActions } from './context/SessionActionsContext';
export type { AgentStatus } from './context/AgentStatusContext';
export { useMaybeSessionStateContext } from './context/SessionStateContext';
export { useMaybeSessionActionsContext } from './context/SessionActionsContext';
export { useMaybeCameraTracksContext } from './context/CameraTracksContext';
export { useMaybeAgentStatusContext } from './context/AgentStatusContext';
export { useMaybeTokenSourceContext } from './context/TokenSourceContext';
export { ConnectButton, type ConnectButtonProps, type ConnectButtonState } from './components/ConnectButton';
export { CameraGrid, type CameraGridProps } from './components/CameraGrid';
export { AgentStatusIndicator, type AgentStatusIndicatorProps } from './components/AgentStatusIndicator';
export { TokenStatusView, type TokenStatusViewProps } from './components/TokenStatusView';
export { ErrorNotice, type ErrorNoticeProps } from './components/ErrorNotice';
