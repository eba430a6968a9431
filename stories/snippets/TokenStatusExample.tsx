import { ConnectButton, CustomTokenSessionProvider, TokenStatusView } from 'livekit-custom-token-react';
import 'livekit-custom-token-react/styles.css';

/** The session's token: who it is for, which room, what it grants and how long it lasts. */
export function TokenStatusExample() {
  return (
    <CustomTokenSessionProvider tokenEndpoint="/api/livekit-token" roomName="standup" participantName="Hedy">
      <TokenStatusView />
      <ConnectButton />
    </CustomTokenSessionProvider>
  );
}
