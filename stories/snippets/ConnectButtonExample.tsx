import { ConnectButton, CustomTokenSessionProvider } from 'livekit-custom-token-react';
import 'livekit-custom-token-react/styles.css';

/** A connect control for a call: tokens from your endpoint, fetched when needed. */
export function ConnectButtonExample() {
  return (
    <CustomTokenSessionProvider tokenEndpoint="/api/livekit-token" roomName="standup" participantName="Hedy">
      <ConnectButton />
    </CustomTokenSessionProvider>
  );
}
