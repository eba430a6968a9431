import { AgentStatusIndicator, ConnectButton, CustomTokenSessionProvider, ErrorNotice } from 'livekit-custom-token-react';
import 'livekit-custom-token-react/styles.css';

/**
 * A call with an agent: when it never comes, or leaves, the notice says so and offers "Try again",
 * which starts a new session in a fresh room, with a new agent. The agent's status shows the
 * failure too, without announcing it a second time.
 */
export function ErrorNoticeWithAgent() {
  return (
    <CustomTokenSessionProvider
      tokenEndpoint="/api/livekit-token"
      roomName="support"
      participantName="Hedy"
      agentName="helper"
      freshRoomPerSession
    >
      <ErrorNotice />
      <AgentStatusIndicator />
      <ConnectButton />
    </CustomTokenSessionProvider>
  );
}
