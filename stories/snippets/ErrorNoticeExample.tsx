import { ConnectButton, CustomTokenSessionProvider, ErrorNotice } from 'livekit-custom-token-react';
import 'livekit-custom-token-react/styles.css';

/**
 * What went wrong, and what to do: "Try again" where that can help, your sign-in link where the
 * endpoint refused the user (HTTP 401 or 403) or the token is for another room.
 */
export function ErrorNoticeExample() {
  return (
    <CustomTokenSessionProvider tokenEndpoint="/api/livekit-token" roomName="standup" participantName="Hedy">
      <ErrorNotice action={<a href="/sign-in">Sign in</a>} />
      <ConnectButton />
    </CustomTokenSessionProvider>
  );
}
