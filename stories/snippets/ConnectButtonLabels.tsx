import { ConnectButton, CustomTokenSessionProvider } from 'livekit-custom-token-react';
import 'livekit-custom-token-react/styles.css';

/** The button's text is yours to choose, per state. */
export function ConnectButtonLabels() {
  return (
    <CustomTokenSessionProvider tokenEndpoint="/api/livekit-token" roomName="standup" participantName="Hedy">
      <ConnectButton
        labels={{ disconnected: 'Join call', connecting: 'Cancel joining', connected: 'Leave call', disconnecting: 'Leaving…' }}
      />
    </CustomTokenSessionProvider>
  );
}
