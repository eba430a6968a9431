import { ConnectButton, CustomTokenSessionProvider, TokenStatusView } from 'livekit-custom-token-react';
import 'livekit-custom-token-react/styles.css';

/**
 * The provider with its defaults: the token is fetched when it mounts, so a click on Connect
 * joins at once.
 */
export function ProviderExample() {
  return (
    <CustomTokenSessionProvider tokenEndpoint="/api/livekit-token" roomName="standup" participantName="Hedy">
      <TokenStatusView />
      <ConnectButton />
    </CustomTokenSessionProvider>
  );
}
