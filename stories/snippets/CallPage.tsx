import {
  AgentStatusIndicator,
  CameraGrid,
  ConnectButton,
  CustomTokenSessionProvider,
  ErrorNotice,
  TokenStatusView,
} from 'livekit-custom-token-react';
import type * as React from 'react';
import 'livekit-custom-token-react/styles.css';

/** Props of {@link CallPage}: what your router knows about the call. */
export interface CallPageProps {
  roomName: string;
  participantName: string;
  /** The agent to talk to, dispatched into a fresh room per session; none for a video room. */
  agentName?: string;
  /** Join as soon as the page opens. */
  connect?: boolean;
  /** More of your controls in the header. */
  children?: React.ReactNode;
}

/**
 * A call page made of the package's components. The `call-*` classes are your app's layout;
 * the components' own look is the package's optional stylesheet.
 */
export function CallPage({ roomName, participantName, agentName, connect, children }: CallPageProps) {
  return (
    <CustomTokenSessionProvider
      tokenEndpoint="/api/livekit-token"
      roomName={roomName}
      participantName={participantName}
      agentName={agentName}
      freshRoomPerSession={agentName !== undefined}
      camera
      connect={connect}
    >
      <section className="call" aria-label="Call">
        <header className="call-header">
          <h1 className="call-title">{agentName ? `${roomName} · with ${agentName}` : roomName}</h1>
          {agentName && <AgentStatusIndicator />}
          <ConnectButton />
          {children}
        </header>
        <ErrorNotice />
        <div className="call-main">
          <CameraGrid
            emphasizeAgent
            empty={<p className="call-empty">Connect to join the call — your camera and everyone else's appear here.</p>}
          />
          <TokenStatusView />
        </div>
      </section>
    </CustomTokenSessionProvider>
  );
}
