import { act, render, screen, waitFor } from '@testing-library/react';
import { decodeTokenPayload, setLogLevel, type Room } from 'livekit-client';
import * as React from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectButton } from '../../src/components/ConnectButton';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import { createEndpointGenerator } from '../../src/core/createEndpointGenerator';
import { useSessionState, type UseSessionStateReturn } from '../../src/hooks/useSessionState';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { createTokenHandler, TokenHandlerError, toNodeHandler } from '../../src/server';
import { fakeMediaDevices } from '../helpers/media';
import { servePageOrigin } from '../helpers/pageOrigin';
import { roomWithoutServer } from '../helpers/room';
import { settle } from '../providers/render';
import { API_KEY, API_SECRET, SERVER_URL } from '../helpers/tokens';

setLogLevel('silent');

// README.md, "Three ways to use it": "The three fit together: the browser side of 1 or 2 asks the route of 3 for its
// tokens." Sample 1 (the provider, its generator sending a bearer token) against sample 3 (the route), each as written
// but for the credentials, a `room` that skips the network, and what `getIdToken`/`getUser` stand for.

type User = { id: string; name: string; banned: boolean };
const users: Record<string, User> = {
  'id-ada': { id: 'ada', name: 'Ada', banned: false },
  'id-mallory': { id: 'mallory', name: 'Mallory', banned: true },
};
let signedInAs = 'id-ada';
const getIdToken = async () => signedInAs;
const getUser = async (request: Request) => users[request.headers.get('authorization')?.replace(/^Bearer /, '') ?? ''] ?? null;

// Sample 3, app/api/livekit-token/route.ts.
const POST = createTokenHandler({
  apiKey: API_KEY,
  apiSecret: API_SECRET,
  serverUrl: SERVER_URL,
  authorize: async (request) => {
    const user = await getUser(request);
    if (!user) return null; // 401
    if (user.banned) throw new TokenHandlerError('forbidden', 'This account may not join calls.'); // 403
    return { identity: user.id, name: user.name };
  },
  rooms: (room, { participant }) => /^standup(-[a-z0-9]+)?$/.test(room) || room === `desk-${participant.identity}`,
  agents: ['support-agent'],
});

// Sample 1, the provider: the generator made once, the route served at /api/livekit-token.
const generator = createEndpointGenerator('/api/livekit-token', {
  headers: async () => ({ Authorization: `Bearer ${await getIdToken()}` }),
});

function SupportCall({ room, into }: { room: Room; into: { current: UseSessionStateReturn | null } }) {
  return (
    <CustomTokenSessionProvider generator={generator} roomName="standup" agentName="support-agent" camera freshRoomPerSession room={room}>
      <Probe into={into} />
      <ConnectButton />
      <ErrorNotice />
    </CustomTokenSessionProvider>
  );
}

function Probe({ into }: { into: { current: UseSessionStateReturn | null } }) {
  // A probe: hands each render's session state to the test.
  // eslint-disable-next-line react-hooks/immutability
  into.current = useSessionState();
  return null;
}

beforeEach(() => servePageOrigin({ '/api/livekit-token': toNodeHandler(POST) }));

/** The user signed in as `idToken` clicks Connect on sample 1's page. */
function connectAs(idToken: string) {
  signedInAs = idToken;
  const media = fakeMediaDevices();
  const { room, connect } = roomWithoutServer();
  const session: { current: UseSessionStateReturn | null } = { current: null };
  render(
    <React.StrictMode>
      <SupportCall room={room} into={session} />
    </React.StrictMode>,
  );
  act(() => screen.getByRole('button', { name: 'Connect' }).click());
  return { media, connect, session };
}

describe("README's provider sample against its route sample", () => {
  it('connects the signed-in user to a fresh stand-up room with the support agent dispatched', async () => {
    const { media, connect, session } = connectAs('id-ada');
    act(() => media.grant());
    await waitFor(() => expect(session.current!.isConnected).toBe(true));
    expect(connect).toHaveBeenCalledTimes(1);

    const [url, token] = connect.mock.calls[0]!;
    expect(url).toBe(SERVER_URL);
    const claims = decodeTokenPayload(token);
    expect(claims).toMatchObject({ sub: 'ada', name: 'Ada', video: { roomJoin: true } });
    expect(claims.video?.room).toMatch(/^standup-[a-z0-9]+$/);
    expect(claims.roomConfig?.agents?.map((agent) => agent.agentName)).toEqual(['support-agent']);
    expect(session.current!.error).toBeNull();
    await settle(() => session.current!.end());
  });

  it('shows a banned user the route’s 403 with its message, and no Try again', async () => {
    // The camera and microphone prompt stays unanswered: the token's refusal comes first.
    const { connect, session } = connectAs('id-mallory');
    const alert = await screen.findByRole('alert');
    expect(session.current!.error).toMatchObject({ code: 'http', status: 403, serverCode: 'forbidden', retryable: false });
    expect(alert.textContent).toContain('This account may not join calls.');
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    expect(connect).not.toHaveBeenCalled();
  });
});
