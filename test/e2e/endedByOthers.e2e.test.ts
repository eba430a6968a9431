import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { claims, expectJoinedWithANewToken, openApp, watchUntil, type AppPage, type E2EState } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';
import { participantsIn, roomService } from './harness/roomService';
import { delayPeerConnected, peerConnected } from './harness/slowPeerConnection';
import { AGENT_NAME, UNSERVED_AGENT_NAME } from './harness/tokenEndpoint';

/*
 * A call ended by someone else than the user: a moderator removes them, the room is deleted (an
 * agent hanging up, say), the same identity joins from a second tab, the agent leaves or hangs up. Each with
 * the real server and Chromium: what the session reports, whether the devices are off, and that
 * the next start() begins a clean session.
 */

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const roomOf = (token: string) => (claims(token) as { video?: { room?: string } }).video?.room;
/** The room of the last token the page joined with. */
const joinedRoom = (app: AppPage) => roomOf(app.sentTokens.at(-1)!.token)!;

const endedWithError = (state: E2EState) => state.connectionState === 'disconnected' && !state.isStarting && state.error !== null;

describe('a live call ended by someone else', () => {
  test('removed by a moderator: disconnected PARTICIPANT_REMOVED (not retryable), the camera off, and start() joins again with a new token', async () => {
    const room = `e2e-removed-${Date.now()}`;
    const app = await openApp(browser, { room, identity: 'rita' });
    await app.start();
    await expect.poll(app.state).toMatchObject({ connectionState: 'connected' });

    await roomService.removeParticipant(room, 'rita');
    const { errors, state } = await watchUntil(app, endedWithError);
    expect(errors).toEqual(['disconnected PARTICIPANT_REMOVED']);
    expect(state).toMatchObject({ isConnected: false, cameras: [], agent: { state: 'disconnected' } });
    expect(state.error!.message).toBe('LiveKit ended the session (PARTICIPANT_REMOVED): you were removed from the call.');
    expect(await app.media()).toMatchObject({ liveTracks: 0 });

    await app.start();
    await expect.poll(app.state).toMatchObject({ connectionState: 'connected', error: null });
    expect(app.sentTokens).toHaveLength(2);
    await expectJoinedWithANewToken(app);
    expect(await participantsIn(room)).toEqual(['rita']);
    await app.end();
  });

  test(
    'the room deleted under an agent call: disconnected ROOM_DELETED (never agent_failed), and the next session a new room whose agent is ready',
    { timeout: 90_000 },
    async () => {
      const app = await openApp(browser, { room: 'e2e-deleted', agent: AGENT_NAME, freshRoom: '1' });
      await app.start();
      await expect.poll(app.state, { timeout: 30_000 }).toMatchObject({ connectionState: 'connected', agent: { state: 'listening' } });
      const deleted = joinedRoom(app);

      await roomService.deleteRoom(deleted);
      const { errors, state } = await watchUntil(app, endedWithError);
      expect(errors).toEqual(['disconnected ROOM_DELETED']);
      expect(state).toMatchObject({ cameras: [], agent: { state: 'disconnected', failureReasons: [] } });
      // The agent left with the room, which ends the call: never reported failed on the way (AgentStatusIndicator announced it).
      expect(state.agentStates.slice(state.agentStates.lastIndexOf('listening'))).toEqual(['listening', 'disconnected']);
      expect(await app.media()).toMatchObject({ liveTracks: 0 });
      // The token kept ready for the next session is for another room.
      await expect.poll(async () => (await app.state())?.token).toMatchObject({ status: 'ready' });
      expect((await app.state())!.token.room).not.toBe(deleted);

      await app.start();
      await expect
        .poll(app.state, { timeout: 30_000 })
        .toMatchObject({ connectionState: 'connected', agent: { state: 'listening' }, error: null });
      expect(joinedRoom(app)).not.toBe(deleted);
      await app.end();
    },
  );

  test(
    'the room deleted under an agent call with a fixed room name: the next start() creates it again, and its agent comes',
    { timeout: 90_000 },
    async () => {
      const room = `e2e-deleted-fixed-${Date.now()}`;
      const app = await openApp(browser, { room, agent: AGENT_NAME });
      await app.start();
      await expect.poll(app.state, { timeout: 30_000 }).toMatchObject({ connectionState: 'connected', agent: { state: 'listening' } });

      await roomService.deleteRoom(room);
      const { errors } = await watchUntil(app, endedWithError);
      expect(errors).toEqual(['disconnected ROOM_DELETED']);

      await app.start();
      await expect
        .poll(app.state, { timeout: 30_000 })
        .toMatchObject({ connectionState: 'connected', agent: { state: 'listening' }, error: null });
      expect(app.sentTokens.map(({ token }) => roomOf(token))).toEqual([room, room]);
      await expectJoinedWithANewToken(app);
      await app.end();
    },
  );

  test('the same identity joining from a second tab: the first ends with DUPLICATE_IDENTITY (not retryable), its camera off, the second stays', async () => {
    const room = `e2e-duplicate-${Date.now()}`;
    const first = await openApp(browser, { room, identity: 'dana' });
    await first.start();
    await expect.poll(first.state).toMatchObject({ connectionState: 'connected' });
    const second = await openApp(browser, { room, identity: 'dana' });
    await second.start();

    const { errors } = await watchUntil(first, endedWithError);
    expect(errors).toEqual(['disconnected DUPLICATE_IDENTITY']);
    expect(await first.media()).toMatchObject({ liveTracks: 0 });
    await expect.poll(second.state).toMatchObject({ connectionState: 'connected', error: null });
    expect(await participantsIn(room)).toEqual(['dana']);
    await second.end();
    await second.page.close();
    await first.page.close();
  });
});

describe('a start ended by someone else before it finished', () => {
  test(
    'removed while waiting for the agent: the start fails at once with PARTICIPANT_REMOVED, not agent_failed later',
    { timeout: 60_000 },
    async () => {
      const app = await openApp(browser, {
        room: 'e2e-removed-starting',
        agent: UNSERVED_AGENT_NAME,
        freshRoom: '1',
        agentTimeoutMs: '30000',
      });
      await app.start();
      await expect.poll(app.state).toMatchObject({ connectionState: 'connected', isStarting: true });
      const identity = claims(app.sentTokens.at(-1)!.token).sub as string;

      const removedAt = Date.now();
      await roomService.removeParticipant(joinedRoom(app), identity);
      const { errors } = await watchUntil(app, endedWithError, 10_000);
      expect(Date.now() - removedAt).toBeLessThan(5_000);
      expect(errors).toEqual(['disconnected PARTICIPANT_REMOVED']);
      expect(await app.media()).toMatchObject({ liveTracks: 0 });
    },
  );
});

describe('a start ended by someone else while its room still connects', () => {
  test(
    'removed once the server has it, before livekit-client reports the connection: the start fails at once with PARTICIPANT_REMOVED, and the next start() joins with a new token',
    { timeout: 60_000 },
    async () => {
      const room = `e2e-removed-connecting-${Date.now()}`;
      const identity = 'removed-connecting';
      // The page's peer connection is up (the server has the participant) 3 s before livekit-client hears of it.
      const app = await openApp(browser, { room, identity }, (page) => page.addInitScript(delayPeerConnected, 3_000));
      try {
        await app.start();
        await peerConnected(app.page);
        expect(await app.state()).toMatchObject({ connectionState: 'connecting', isStarting: true });
        expect(await participantsIn(room)).toEqual([identity]);

        const removedAt = Date.now();
        await roomService.removeParticipant(room, identity);
        const { errors } = await watchUntil(app, endedWithError, 10_000);
        // Not livekit-client's 15 s wait for a connection the server already ended.
        expect(Date.now() - removedAt).toBeLessThan(5_000);
        expect(errors).toEqual(['disconnected PARTICIPANT_REMOVED']);
        expect(await app.media()).toMatchObject({ liveTracks: 0 });
        await expect.poll(() => participantsIn(room)).toEqual([]);

        await app.start();
        await expect.poll(app.state, { timeout: 10_000 }).toMatchObject({ connectionState: 'connected', error: null });
        expect(app.sentTokens, 'a signal connection per start').toHaveLength(2);
        await expectJoinedWithANewToken(app);
        await app.end();
        await expect.poll(() => participantsIn(room)).toEqual([]);
      } finally {
        await app.page.close();
      }
    },
  );
});

describe('a start ended by someone else before it finished, its room deleted', () => {
  test(
    'the room deleted while waiting for the agent: the start fails at once with ROOM_DELETED, and the next start() joins a new room',
    { timeout: 60_000 },
    async () => {
      const app = await openApp(browser, {
        room: 'e2e-deleted-starting',
        agent: UNSERVED_AGENT_NAME,
        freshRoom: '1',
        agentTimeoutMs: '30000',
      });
      await app.start();
      await expect.poll(app.state).toMatchObject({ connectionState: 'connected', isStarting: true });
      const deleted = joinedRoom(app);

      const deletedAt = Date.now();
      await roomService.deleteRoom(deleted);
      const { errors, state } = await watchUntil(app, endedWithError, 10_000);
      expect(Date.now() - deletedAt).toBeLessThan(5_000);
      expect(errors).toEqual(['disconnected ROOM_DELETED']);
      expect(state).toMatchObject({ cameras: [], agent: { state: 'disconnected', failureReasons: [] } });
      expect(await app.media()).toMatchObject({ liveTracks: 0 });

      await app.start();
      await expect.poll(app.state).toMatchObject({ connectionState: 'connected', isStarting: true, error: null });
      expect(joinedRoom(app)).not.toBe(deleted);
      await app.end();
      await expect.poll(app.state).toMatchObject({ connectionState: 'disconnected', isStarting: false, error: null });
    },
  );
});

describe('the agent leaving a live call', () => {
  /** A call whose agent is listening, in a room of its own. */
  async function agentCall(room: string) {
    const app = await openApp(browser, { room, agent: AGENT_NAME, freshRoom: '1' });
    await app.start();
    await expect.poll(app.state, { timeout: 30_000 }).toMatchObject({ connectionState: 'connected', agent: { state: 'listening' } });
    return app;
  }

  test(
    'the agent removed by a moderator: agent_failed with reason PARTICIPANT_REMOVED, the call goes on, and end() leaves it',
    { timeout: 60_000 },
    async () => {
      const app = await agentCall('e2e-agent-removed');
      const { agent } = (await app.state())!;

      await roomService.removeParticipant(joinedRoom(app), agent.identity!);
      const { errors, state } = await watchUntil(app, (s) => s.error !== null);
      expect(errors).toEqual(['agent_failed PARTICIPANT_REMOVED']);
      expect(state).toMatchObject({ connectionState: 'connected', agent: { state: 'failed' } });
      expect(state.error!.message).toBe('The agent left the call (PARTICIPANT_REMOVED): Agent left the room unexpectedly.');

      await app.end();
      await expect.poll(app.state).toMatchObject({ connectionState: 'disconnected' });
      expect(await app.media()).toMatchObject({ liveTracks: 0 });
    },
  );

  test(
    'the agent hanging up by leaving (its job shut down): the call ends without an error, the agent never failed, and the next session has its own agent',
    { timeout: 90_000 },
    async () => {
      const app = await agentCall('e2e-agent-leaves');
      const first = joinedRoom(app);
      const seenBefore = (await app.state())!.agentStates.length;

      await roomService.updateRoomMetadata(first, 'e2e: leave');
      const { errors, state } = await watchUntil(app, (s) => s.connectionState === 'disconnected' && !s.isEnding);
      expect(errors).toEqual([]);
      expect(state).toMatchObject({ isConnected: false, error: null, cameras: [], agent: { state: 'disconnected', failureReasons: [] } });
      expect(state.agentStates.slice(seenBefore)).not.toContain('failed');
      expect(await app.media()).toMatchObject({ liveTracks: 0 });
      // Within 2 s (issue #12's bound): the server may still list a participant a moment after its Leave reached the page.
      await expect.poll(() => participantsIn(first), { timeout: 2_000 }).toEqual([]);

      await app.start();
      await expect
        .poll(app.state, { timeout: 30_000 })
        .toMatchObject({ connectionState: 'connected', error: null, agent: { state: 'listening' } });
      expect(joinedRoom(app)).not.toBe(first);
      await app.end();
    },
  );

  test(
    'the app restarting in the task it hears the agent leave: a new session in a new room, its own agent listening, no error',
    { timeout: 90_000 },
    async () => {
      const app = await openApp(browser, { room: 'e2e-agent-restart', agent: AGENT_NAME, freshRoom: '1', restartOnAgentLeave: '1' });
      await app.start();
      await expect.poll(app.state, { timeout: 30_000 }).toMatchObject({ connectionState: 'connected', agent: { state: 'listening' } });
      const first = joinedRoom(app);

      await roomService.updateRoomMetadata(first, 'e2e: leave');
      // No error on the way (the old agent's departure is not the new session's), and the new session's own agent comes.
      const { errors, state } = await watchUntil(
        app,
        (s) => joinedRoom(app) !== first && s.connectionState === 'connected' && !s.isStarting && s.agent.state === 'listening',
        30_000,
      );
      expect(errors).toEqual([]);
      expect(state.error).toBeNull();
      await app.end();
    },
  );

  test(
    'the agent hanging up by deleting the room: disconnected ROOM_DELETED, never agent_failed, the camera off',
    { timeout: 60_000 },
    async () => {
      const app = await agentCall('e2e-agent-deletes');
      const deleted = joinedRoom(app);

      await roomService.updateRoomMetadata(deleted, 'e2e: delete room');
      const { errors } = await watchUntil(app, endedWithError);
      expect(errors).toEqual(['disconnected ROOM_DELETED']);
      expect(await app.media()).toMatchObject({ liveTracks: 0 });
      // Within 2 s (issue #12's bound): the server may still list a participant a moment after its Leave reached the page.
      await expect.poll(() => participantsIn(deleted), { timeout: 2_000 }).toEqual([]);
    },
  );
});
