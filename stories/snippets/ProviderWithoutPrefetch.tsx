import { ConnectButton, CustomTokenSessionProvider, TokenStatusView } from 'livekit-custom-token-react';
import 'livekit-custom-token-react/styles.css';

/**
 * `prefetch={false}`: no token until the user asks to join — for pages many people open and few
 * join, where each token costs (an agent dispatch, a rate limit).
 */
export function ProviderWithoutPrefetch() {
  return (
    <CustomTokenSessionProvider tokenEndpoint="/api/livekit-token" roomName="standup" participantName="Hedy" prefetch={false}>
      <TokenStatusView />
      <ConnectButton />
    </CustomTokenSessionProvider>
  );
}
