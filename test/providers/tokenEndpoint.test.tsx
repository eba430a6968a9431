import { render, screen, waitFor } from '@testing-library/react';
import { decodeTokenPayload } from 'livekit-client';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as React from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import { useTokenStatus, type UseTokenStatusReturn } from '../../src/hooks/useTokenStatus';
import { createTokenHandler } from '../../src/server/createTokenHandler';
import { toNodeHandler } from '../../src/server/node/toNodeHandler';
import { expectRenderErrors } from '../helpers/expectedRenderErrors';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { API_KEY, API_SECRET, SERVER_URL } from '../helpers/tokens';
import { renderSession, settle } from './render';

/** The package's own token endpoint on 127.0.0.1: every caller is "ada" while `signedIn`; `asked` has the path of each request. */
let server: Server;
let endpoint: string;
let signedIn: boolean;
let asked: string[];

beforeEach(async () => {
  const handler = createTokenHandler({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    serverUrl: SERVER_URL,
    authorize: () => (signedIn ? { identity: 'ada' } : null),
  });
  asked = [];
  const tokens = toNodeHandler(handler);
  server = createServer((request, response) => {
    asked.push(request.url!);
    void tokens(request, response);
  });
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

  // README, the provider's props: "`tokenEndpoint` … (`createEndpointGenerator(url)`, so a URL `fetch` refuses throws its
  // `generator_failed` error while rendering …)".
  it('throws a generator_failed error while rendering for a URL with a user name and password in it', () => {
    expectRenderErrors();
    let thrown: unknown;
    class Boundary extends React.Component<{ children: React.ReactNode }, { failed: boolean }> {
      override state = { failed: false };
      static getDerivedStateFromError() {
        return { failed: true };
      }
      override componentDidCatch(error: unknown) {
        thrown = error;
      }
      override render() {
        return this.state.failed ? null : this.props.children;
      }
    }
    render(
      <Boundary>
        <CustomTokenSessionProvider
          tokenEndpoint={endpoint.replace('http://', 'http://ada:secret@')}
          roomName="standup"
          microphone={false}
        />
      </Boundary>,
    );
    expect(thrown).toMatchObject({ name: 'CustomTokenError', code: 'generator_failed', retryable: false });
    expect(asked).toEqual([]);
  });

  // A JavaScript app whose `tokenEndpoint={process.env.NEXT_PUBLIC_TOKEN_URL}` is unset gives none of the three.
  it('fails with a generator_failed error that retrying cannot fix when given no generator, tokenSource or tokenEndpoint', async () => {
    const { room, connect } = roomWithoutServer();
    const token: { current: UseTokenStatusReturn | null } = { current: null };
    const { session } = renderSession({ tokenEndpoint: undefined, room, roomName: 'standup', microphone: false } as never, {
      children: <TokenProbe into={token} />,
    });
    await waitFor(() => expect(token.current?.status).toBe('error'));
    expect(token.current?.error).toMatchObject({ code: 'generator_failed', retryable: false });
    expect(token.current?.error?.message).toMatch(/needs a generator, a tokenSource or a tokenEndpoint/);
    await settle(() => session().start());
    expect(session().error).toMatchObject({ code: 'generator_failed', retryable: false });
    expect(connect).not.toHaveBeenCalled();
  });

  // README, the props table: "with none … every fetch fails with a generator_failed error that is not retried and offers no Try again".
  it('offers no Try again, nor Fetch the token again, when given no generator, tokenSource or tokenEndpoint', async () => {
    const { room } = roomWithoutServer();
    const { session } = renderSession({ tokenEndpoint: undefined, room, roomName: 'standup', microphone: false } as never, {
      children: (
        <>
          <ErrorNotice action={<a href="/setup">Set the token endpoint</a>} />
          <TokenStatusView />
        </>
      ),
    });
    await settle(() => session().start());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/needs a generator, a tokenSource or a tokenEndpoint/);
    expect(screen.getByRole('link', { name: 'Set the token endpoint' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Fetch the token again' })).toBeNull();
  });

  // CustomTokenSessionProvider's TSDoc: "a new generator or endpoint alone does not [remount the session]".
  it('keeps a live call when the endpoint changes, and takes the next session’s token from the new one', async () => {
    signedIn = true;
    const { room, connect } = roomWithoutServer();
    const { session, rerenderWith } = renderSession({ tokenEndpoint: `${endpoint}one`, room, roomName: 'standup', microphone: false });
    await settle(() => session().start());
    expect(session().isConnected).toBe(true);

    rerenderWith({ tokenEndpoint: `${endpoint}two`, room, roomName: 'standup', microphone: false });
    await waitFor(() => expect(session().isConnected).toBe(true));
    expect(connect).toHaveBeenCalledTimes(1);
    expect(asked.every((path) => path === '/one')).toBe(true);

    await settle(() => session().end());
    await settle(() => session().start());
    expect(session()).toMatchObject({ isConnected: true, error: null });
    expect(asked.at(-1)).toBe('/two');
  });
});

describe('CustomTokenSessionProvider switching between tokenSource and generator', () => {
  // README, the provider's props: "Switching between `tokenSource` and the other two remounts the session".
  it('ends the live call, and the next start() joins with a token of the source now given', async () => {
    const { room, connect } = roomWithoutServer();
    const own = tokenGenerator({ identity: 'own' });
    const given = tokenGenerator({ identity: 'given' });
    const tokenSource = createCustomTokenSource(given);
    const { session, rerenderWith } = renderSession({ generator: own, room, roomName: 'standup', microphone: false });
    await settle(() => session().start());
    expect(session().isConnected).toBe(true);

    rerenderWith({ tokenSource, room, roomName: 'standup', microphone: false });
    await waitFor(() => expect(session().isConnected).toBe(false));

    await settle(() => session().start());
    expect(session()).toMatchObject({ isConnected: true, error: null });
    expect(connect).toHaveBeenCalledTimes(2);
    expect(decodeTokenPayload(connect.mock.calls[1]![1]).sub).toBe('given');
  });
});
