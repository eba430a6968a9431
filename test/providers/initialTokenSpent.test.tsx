import { describe, expect, it } from 'vitest';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { mintToken, SERVER_URL } from '../helpers/tokens';
import { renderKeyed, settle } from './render';

/**
 * A page Next.js restores from its router cache on Back renders a new provider with the
 * `initialToken` it was rendered with (README, "Next.js"): one a session of the page started with
 * already is dropped when the server named its room, and the next `start()` asks for a room of its own.
 */
describe('CustomTokenSessionProvider given again an initialToken a session of the page started with', () => {
  /** A token for a room the server named, minted for this test alone (its identity): no other test starts with it. */
  async function serverMintedToken(identity: string, room: string) {
    return { serverUrl: SERVER_URL, participantToken: await mintToken({ identity, room }) };
  }

  it('without a roomName (the server names the room): the first visit joins with the initialToken, the page brought back asks the generator', async () => {
    const { room, connect } = roomWithoutServer();
    const response = await serverMintedToken('back-button-server-room', 'room-server-named');
    const generator = tokenGenerator();
    const { session, remount } = renderKeyed({ generator, room, initialToken: { options: {}, response }, microphone: false });

    await settle(() => session().start());
    expect(connect.mock.calls[0]?.[1], 'the first session’s token').toBe(response.participantToken);
    expect(generator).not.toHaveBeenCalled();
    await settle(() => session().end());

    remount('back');
    await settle(() => session().start());
    expect(connect).toHaveBeenCalledTimes(2);
    expect(connect.mock.calls[1]?.[1], 'the token the page was rendered with is the last call’s').not.toBe(response.participantToken);
    // The generator's last token (the one end() asked for ahead, or the second visit's own).
    const minted = await generator.mock.results.at(-1)?.value;
    expect(connect.mock.calls[1]?.[1]).toBe(minted?.participantToken);
    expect(session().error).toBeNull();
    await settle(() => session().end());
  });

  it('with the roomName the token is for (the browser names the room): the page brought back joins that room with it again', async () => {
    const { room, connect } = roomWithoutServer();
    const response = await serverMintedToken('back-button-named-room', 'standup');
    const generator = tokenGenerator();
    const { session, remount } = renderKeyed({
      generator,
      room,
      roomName: 'standup',
      initialToken: { options: { roomName: 'standup' }, response },
      microphone: false,
    });

    await settle(() => session().start());
    await settle(() => session().end());
    remount('back');
    await settle(() => session().start());
    expect(connect.mock.calls.map((call) => call[1])).toEqual([response.participantToken, response.participantToken]);
    await settle(() => session().end());
  });
});
