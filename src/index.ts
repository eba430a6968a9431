export { CustomTokenSource, type CustomTokenSourceConfig } from './core/CustomTokenSource.js';
export { createCustomTokenSource } from './core/createCustomTokenSource.js';
export { createEndpointGenerator, type EndpointGeneratorOptions } from './core/createEndpointGenerator.js';
export {
  CustomTokenError,
  isCustomTokenError,
  type CustomTokenErrorCode,
  type CustomTokenErrorDetails,
  type CustomTokenErrorFields,
  type CustomTokenErrorOptions,
} from './core/errors.js';
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
} from './core/types.js';
export { useCustomTokenSource, type UseCustomTokenSourceOptions, type UseCustomTokenSourceReturn } from './hooks/useCustomTokenSource.js';
export {
  useCustomTokenSession,
  type ConfigurableSessionOptions,
  type UseCustomTokenSessionOptions,
  type UseCustomTokenSessionReturn,
} from './hooks/useCustomTokenSession.js';
export { useTokenStatus, type UseTokenStatusReturn } from './hooks/useTokenStatus.js';
export {
  CustomTokenSessionProvider,
  type CustomTokenSessionProviderProps,
  type SessionTokenProps,
} from './providers/CustomTokenSessionProvider.js';
export { useSessionState, type UseSessionStateReturn } from './hooks/useSessionState.js';
export { useSessionActions, type UseSessionActionsReturn } from './hooks/useSessionActions.js';
export { useCameraTracks, type UseCameraTracksOptions, type UseCameraTracksReturn } from './hooks/useCameraTracks.js';
export { useAgentStatus, type UseAgentStatusReturn } from './hooks/useAgentStatus.js';
export type { SessionState } from './context/SessionStateContext.js';
export type { SessionActions } from './context/SessionActionsContext.js';
export type { AgentStatus } from './context/AgentStatusContext.js';
export { useMaybeSessionStateContext } from './context/SessionStateContext.js';
export { useMaybeSessionActionsContext } from './context/SessionActionsContext.js';
export { useMaybeCameraTracksContext } from './context/CameraTracksContext.js';
export { useMaybeAgentStatusContext } from './context/AgentStatusContext.js';
export { useMaybeTokenSourceContext } from './context/TokenSourceContext.js';
export { ConnectButton, type ConnectButtonProps, type ConnectButtonState } from './components/ConnectButton.js';
export { CameraGrid, type CameraGridLabels, type CameraGridProps } from './components/CameraGrid.js';
export { AgentStatusIndicator, type AgentStatusIndicatorProps } from './components/AgentStatusIndicator.js';
export {
  TokenStatusView,
  type TokenStatusViewLabels,
  type TokenStatusViewProps,
  type TokenTimeLeft,
} from './components/TokenStatusView.js';
export { ErrorNotice, type ErrorNoticeProps } from './components/ErrorNotice.js';
