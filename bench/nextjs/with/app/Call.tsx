'use client';

import {
  AgentStatusIndicator,
  CameraGrid,
  ConnectButton,
  createEndpointGenerator,
  CustomTokenSessionProvider,
  ErrorNotice,
  TokenStatusView,
} from 'livekit-custom-token-react';

const generator = createEndpointGenerator('/api/livekit-token');

export function Call() {
  return (
    <CustomTokenSessionProvider generator={generator} roomName="demo" camera>
      <ConnectButton />
      <AgentStatusIndicator />
      <ErrorNotice />
      <CameraGrid />
      <TokenStatusView />
    </CustomTokenSessionProvider>
  );
}
