import { AgentStatusIndicator, ConnectButton, CustomTokenSessionProvider } from 'livekit-custom-token-react';
import 'livekit-custom-token-react/styles.css';

/**
 * Talking to an agent: the token dispatches `helper` into a fresh room per session, and the
 * indicator follows the agent from "Waiting for the agent…" to listening, thinking, speaking.
 */
export function AgentStatusExample() {
  return (
    <CustomTokenSessionProvider
      tokenEndpoint="/api/livekit-token"
      roomName="support"
      participantName="Hedy"
      agentName="helper"
      freshRoomPerSession
    >
      <ConnectButton />
      <AgentStatusIndicator />
    </CustomTokenSessionProvider>
  );
}
