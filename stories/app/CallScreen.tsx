import * as React from 'react';
import { AgentStatusIndicator, CameraGrid, ConnectButton, ErrorNotice, TokenStatusView } from '../../src/index';

/** Props of {@link CallScreen}. */
export interface CallScreenProps {
  /** Shown in the header. */
  title: string;
  /** Show the agent's status in the header. @defaultValue false */
  withAgent?: boolean;
  /** Extra controls at the end of the header (a "Leave" link, say). */
  actions?: React.ReactNode;
}

/**
 * A small call screen made only of the package's components, inside a session: what an app
 * built on it looks like with the optional stylesheet.
 */
export function CallScreen({ title, withAgent = false, actions }: CallScreenProps) {
  return (
    <div className="story-call">
      <header className="story-call-header">
        <h2 className="story-call-title">{title}</h2>
        {withAgent && <AgentStatusIndicator />}
        <div className="story-call-actions">
          <ConnectButton />
          {actions}
        </div>
      </header>
      <ErrorNotice />
      <main className="story-call-main">
        <CameraGrid empty={<p className="story-empty">Connect to join the call — your camera and everyone else's appear here.</p>} />
        <aside className="story-call-aside">
          <TokenStatusView />
        </aside>
      </main>
    </div>
  );
}
