import { AgentStatusIndicator, CameraGrid, ConnectButton, CustomTokenSessionProvider } from 'livekit-custom-token-react';
import 'livekit-custom-token-react/styles.css';

/** A call with an agent that has an avatar camera: its tile first, across the grid. */
export function CameraGridWithAgent() {
  return (
    <CustomTokenSessionProvider
      tokenEndpoint="/api/livekit-token"
      roomName="support"
      participantName="Hedy"
      agentName="helper"
      freshRoomPerSession
      camera
    >
      <ConnectButton />
      <AgentStatusIndicator />
      <CameraGrid emphasizeAgent />
    </CustomTokenSessionProvider>
  );
}
