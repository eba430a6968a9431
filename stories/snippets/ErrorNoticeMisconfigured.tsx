import { ConnectButton, CustomTokenSessionProvider, ErrorNotice } from 'livekit-custom-token-react';
import 'livekit-custom-token-react/styles.css';

/** Your user's profile as your API sends it: its type says `team` is a string, the JSON has a number. */
const profile = JSON.parse('{ "team": 7 }') as { team: string };

/**
 * A misconfigured call: participant attributes are strings, and `team` is not. The notice names
 * the option; no "Try again" (the same options fail again), your action instead.
 */
export function ErrorNoticeMisconfigured() {
  return (
    <CustomTokenSessionProvider
      tokenEndpoint="/api/livekit-token"
      roomName="standup"
      participantName="Hedy"
      participantAttributes={profile}
    >
      <ErrorNotice action={<a href="/sign-in">Sign in</a>} />
      <ConnectButton />
    </CustomTokenSessionProvider>
  );
}
