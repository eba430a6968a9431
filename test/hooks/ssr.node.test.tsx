// @vitest-environment node
import { SessionProvider } from '@livekit/components-react';
import * as React from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { ConnectButton } from '../../src/components/ConnectButton';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { useCustomTokenSession } from '../../src/hooks/useCustomTokenSession';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { CustomTokenSessionProvider } from '../../src/providers/CustomTokenSessionProvider';
import type { TokenResponse } from '../../src/core/types';
import { mintToken, SERVER_URL } from '../helpers/tokens';

function TokenBadge({ initial }: { initial?: TokenResponse }) {
  const source = useCustomTokenSource(
    async () => {
      throw new Error('the server render must not call the generator');
    },
    initial ? { initialToken: { options: { roomName: 'A' }, response: initial } } : {},
  );
  const { status, identity, room } = useTokenStatus(source);
  return <output data-status={status}>{identity ? `${identity}@${room}` : 'no token'}</output>;
}

describe('server rendering', () => {
  it('renders the idle status without touching browser globals or the generator', () => {
    expect(typeof window).toBe('undefined');
    expect(renderToString(<TokenBadge />)).toBe('<output data-status="idle">no token</output>');
  });

  it('renders the status of an initial token minted during the server render', async () => {
    const initial = { serverUrl: SERVER_URL, participantToken: await mintToken({ identity: 'ada', room: 'A' }) };
    expect(renderToString(<TokenBadge initial={initial} />)).toBe('<output data-status="ready">ada@A</output>');
  });
});

/** The hooks path: useCustomTokenSession on a source seeded with a server-minted token. */
function Call({ initial }: { initial: TokenResponse }) {
  const source = useCustomTokenSource(
    vi.fn(async () => {
      throw new Error('no generator on the server');
    }),
    { initialToken: { options: { roomName: 'A' }, response: initial } },
  );
  const session = useCustomTokenSession(source, { roomName: 'A' });
  const { status, identity } = useTokenStatus(source);
  return (
    <SessionProvider session={session}>
      <p>{`${status} ${identity} ${session.connectionState}`}</p>
    </SessionProvider>
  );
}

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout' || kind === 'Immediate').length;

describe('server rendering leaves nothing running', () => {
  it('starts no timer (nothing keeps Node alive) and calls no generator, on the hooks path or in the provider, StrictMode and connect included', async () => {
    const initial = { serverUrl: SERVER_URL, participantToken: await mintToken({ identity: 'ada', room: 'A' }) };
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = timers();
    const generator = vi.fn(() => new Promise<never>(() => {}));
    for (let i = 0; i < 3; i++) {
      expect(
        renderToString(
          <React.StrictMode>
            <Call initial={initial} />
          </React.StrictMode>,
        ),
      ).toContain('ready ada disconnected');
      const html = renderToString(
        <React.StrictMode>
          <CustomTokenSessionProvider
            generator={generator}
            roomName="A"
            initialToken={{ options: { roomName: 'A' }, response: initial }}
            connect
          >
            <ConnectButton />
            <TokenStatusView />
          </CustomTokenSessionProvider>
        </React.StrictMode>,
      );
      expect(html).toContain('Token ready');
    }
    expect(timers()).toBe(before);
    expect(generator).not.toHaveBeenCalled();
  });
});

describe('the README’s Next.js page on the server', () => {
  it('renders with a relative tokenEndpoint and an initialToken, twice for two users, each its own', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const page = async (identity: string) => {
      const initialToken = {
        options: { agentName: 'support-agent' },
        response: {
          serverUrl: SERVER_URL,
          participantToken: await mintToken({ identity, room: `room-${identity}`, agentName: 'support-agent' }),
        },
      };
      return renderToString(
        <CustomTokenSessionProvider tokenEndpoint="/api/livekit-token" initialToken={initialToken} agentName="support-agent" camera>
          <ConnectButton />
          <TokenStatusView />
        </CustomTokenSessionProvider>,
      );
    };
    const ada = await page('ada');
    const bob = await page('bob');
    expect(ada).toContain('>ada<');
    expect(ada).not.toContain('bob');
    expect(bob).toContain('>bob<');
    expect(bob).not.toContain('ada');
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe('the provider streamed and prerendered', () => {
  it('finishes renderToPipeableStream and prerender (all Suspense settled) with the token as ready', async () => {
    const { renderToPipeableStream } = await import('react-dom/server');
    const { PassThrough } = await import('node:stream');
    const { text } = await import('node:stream/consumers');
    const initialToken = {
      options: { roomName: 'A' },
      response: { serverUrl: SERVER_URL, participantToken: await mintToken({ identity: 'ada', room: 'A' }) },
    };
    const generator = vi.fn(() => new Promise<never>(() => {}));
    const page = (
      <React.StrictMode>
        <React.Suspense fallback={<p>loading</p>}>
          <CustomTokenSessionProvider generator={generator} roomName="A" initialToken={initialToken} connect>
            <ConnectButton />
            <TokenStatusView />
          </CustomTokenSessionProvider>
        </React.Suspense>
      </React.StrictMode>
    );
    const streamed = await new Promise<string>((resolve, reject) => {
      const stream = renderToPipeableStream(page, {
        onAllReady: () => {
          const out = new PassThrough();
          stream.pipe(out);
          resolve(text(out));
        },
        onError: reject,
      });
    });
    expect(streamed).toContain('Token ready');
    if (Number(React.version.split('.')[0]) >= 19) {
      // React 19's static prerender (a page built ahead, served from a cache), which waits for every Suspense boundary.
      const { prerenderToNodeStream } = await import('react-dom/static');
      const { prelude } = await prerenderToNodeStream(page);
      expect(await text(prelude)).toContain('Token ready');
    }
    expect(generator).not.toHaveBeenCalled();
  });
});
