import { CameraGrid, ConnectButton, CustomTokenSessionProvider } from 'livekit-custom-token-react';
import 'livekit-custom-token-react/styles.css';

/** A video room: your camera and everyone else's, a tile each. */
export function CameraGridExample() {
  return (
    <CustomTokenSessionProvider tokenEndpoint="/api/livekit-token" roomName="standup" participantName="Hedy" camera>
      <ConnectButton />
      <CameraGrid empty={<p>Nobody has a camera on yet — connect to join the call.</p>} />
    </CustomTokenSessionProvider>
  );
}
