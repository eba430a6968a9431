import { setLogLevel } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import { mintingGenerator } from '../helpers/generators';
import { roomWithoutServer } from '../helpers/room';
import { renderSession, settle } from './render';

setLogLevel('silent');

// Runs on every peer set: @livekit/components-react 2.9.21 (the oldest the peer range allows) has a
// useSession that throws on a fetch option it does not know, `deployment` among them.
describe('CustomTokenSessionProvider with a deployment', () => {
  it('renders, prefetches and starts with the deployment given, following a change', async () => {
    const generator = mintingGenerator();
    const { room } = roomWithoutServer();
    const props = { generator, room, roomName: 'standup', microphone: false } as const;
    const { session, rerenderWith } = renderSession({ ...props, deployment: 'eu-west' });
    await settle(async () => {});
    expect(generator).toHaveBeenCalledTimes(1);
    expect(generator.mock.calls[0]![0]).toMatchObject({ roomName: 'standup', deployment: 'eu-west' });

    rerenderWith({ ...props, deployment: 'us-east' });
    await settle(() => session().start());
    expect(session().isConnected).toBe(true);
    expect(generator).toHaveBeenCalledTimes(2);
    expect(generator.mock.calls[1]![0]).toMatchObject({ roomName: 'standup', deployment: 'us-east' });
  });
});
