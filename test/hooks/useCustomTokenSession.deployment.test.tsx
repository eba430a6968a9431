import { act, render } from '@testing-library/react';
import { setLogLevel } from 'livekit-client';
import * as React from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useCustomTokenSession } from '../../src/hooks/useCustomTokenSession';
import { useCustomTokenSource } from '../../src/hooks/useCustomTokenSource';
import { mintingGenerator } from '../helpers/generators';
import { roomWithoutServer } from '../helpers/room';

setLogLevel('silent');

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

// Runs on every peer set: @livekit/components-react 2.9.21 (the oldest the peer range allows) has a
// useSession that throws on a fetch option it does not know, `deployment` among them.
describe('useCustomTokenSession with a deployment', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-03T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('renders, and asks the generator for the deployment given, following a change', async () => {
    const generator = mintingGenerator();
    const { room } = roomWithoutServer();
    let prepare: (() => Promise<void>) | undefined;
    function Call({ deployment }: { deployment: string }) {
      const source = useCustomTokenSource(generator);
      const session = useCustomTokenSession(source, { roomName: 'standup', deployment, room });
      prepare = session.prepareConnection;
      return <p>{session.connectionState}</p>;
    }
    const page = (deployment: string) => (
      <React.StrictMode>
        <Call deployment={deployment} />
      </React.StrictMode>
    );
    const view = render(page('eu-west'));
    await advance(10);
    expect(view.container.textContent).toBe('disconnected');
    expect(generator).toHaveBeenCalledTimes(1);
    expect(generator.mock.calls[0]![0]).toMatchObject({ roomName: 'standup', deployment: 'eu-west' });

    view.rerender(page('us-east'));
    await advance(10);
    await act(() => prepare!());
    expect(generator).toHaveBeenCalledTimes(2);
    expect(generator.mock.calls[1]![0]).toMatchObject({ roomName: 'standup', deployment: 'us-east' });
  });
});
