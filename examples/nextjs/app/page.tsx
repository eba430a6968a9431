import {
  AgentStatusIndicator,
  CameraGrid,
  ConnectButton,
  CustomTokenSessionProvider,
  ErrorNotice,
  TokenStatusView,
} from 'livekit-custom-token-react';
import { cookies } from 'next/headers';
import Link from 'next/link';
import { DEMO_SESSION_COOKIE, readDemoSession } from '../lib/demoSession';
import { mintInitialToken } from '../lib/initialToken';
import { SESSION_OPTIONS, TOKEN_ROUTE } from '../lib/session';

/**
 * A Server Component rendering the package's provider and components directly (its client entry
 * is marked `'use client'`), with the first token minted here and later ones from the route.
 */
export default async function CallPage() {
  const user = await readDemoSession((await cookies()).get(DEMO_SESSION_COOKIE)?.value);
  const initialToken = await mintInitialToken();
  return (
    <main>
      <header>
        <h1>Call with {SESSION_OPTIONS.agentName}</h1>
        <p>
          {user ? `Signed in as ${user}.` : 'Not signed in.'} <Link href="/login">{user ? 'Switch user' : 'Log in'}</Link>
        </p>
      </header>
      <CustomTokenSessionProvider tokenEndpoint={TOKEN_ROUTE} initialToken={initialToken} {...SESSION_OPTIONS} camera>
        <ConnectButton />
        <AgentStatusIndicator />
        <ErrorNotice />
        <CameraGrid empty={<p>Connect to see the cameras.</p>} />
        <TokenStatusView />
      </CustomTokenSessionProvider>
    </main>
  );
}
