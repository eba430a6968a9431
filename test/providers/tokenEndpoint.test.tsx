import { waitFor } from '@testing-library/react';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTokenStatus, type UseTokenStatusReturn } from '../../src/hooks/useTokenStatus';
import { createTokenHandler } from '../../src/server/createTokenHandler';
import { toNodeHandler } from '../../src/server/node/toNodeHandler';
import { roomWithoutServer } from '../helpers/room';
import { API_KEY, API_SECRET, SERVER_URL } from '../helpers/tokens';
import { renderSession, settle } from './render';

/** The package's own token endpoint on 127.0.0.1: every caller is "ada" while `signedIn`. */
let server: Server;
let endpoint: string;
let signedIn: boolean;

beforeEach(async () => {
  const handler = createTokenHandler({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    serverUrl: SERVER_URL,
    authorize: () => (signedIn ? { identity: 'ada' } : null),
  });
  server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

function TokenProbe({ into }: { into: { current: UseTokenStatusReturn | null } }) {
  // A probe: hands each render's status to the test.
  // eslint-disable-next-line react-hooks/immutability
  into.current = useTokenStatus();
  return null;
}

describe('CustomTokenSessionProvider with tokenEndpoint', () => {
  it('gets its token from a standard endpoint by URL alone, and connects with it', async () => {
    signedIn = true;
    const { room, connect } = roomWithoutServer();
    const token: { current: UseTokenStatusReturn | null } = { current: null };
    const { session } = renderSession(
      { tokenEndpoint: endpoint, room, roomName: 'standup', microphone: false },
      { children: <TokenProbe into={token} /> },
    );
    await waitFor(() => expect(token.current).toMatchObject({ status: 'ready', identity: 'ada', room: 'standup' }));
    await settle(() => session().start());
    expect(session()).toMatchObject({ isConnected: true, error: null });
    expect(connect).toHaveBeenCalledWith(SERVER_URL, token.current!.token!.participantToken, undefined);
  });

  it("shows the endpoint's 401 as the session's typed error, without connecting", async () => {
    signedIn = false;
    const { room, connect } = roomWithoutServer();
    const token: { current: UseTokenStatusReturn | null } = { current: null };
    const { session } = renderSession(
      { tokenEndpoint: endpoint, room, roomName: 'standup', microphone: false, retries: 0 },
      { children: <TokenProbe into={token} /> },
    );
    await waitFor(() => expect(token.current?.status).toBe('error'));
    expect(token.current?.error).toMatchObject({ code: 'http', status: 401, serverCode: 'unauthorized' });
    await settle(() => session().start());
    expect(session().error).toMatchObject({ code: 'http', status: 401 });
    expect(connect).not.toHaveBeenCalled();
  });
});
