import { ConnectButton, CustomTokenSessionProvider, ErrorNotice } from 'livekit-custom-token-react';
import 'livekit-custom-token-react/styles.css';

/**
 * A call that publishes your camera: when it cannot start, the notice says why. "Try again" where
 * that can help (another application held the camera); none where it cannot (a permission denied).
 */
export function ErrorNoticeWithCamera() {
  return (
    <CustomTokenSessionProvider tokenEndpoint="/api/livekit-token" roomName="standup" participantName="Hedy" camera>
      <ErrorNotice />
      <ConnectButton />
    </CustomTokenSessionProvider>
  );
}
