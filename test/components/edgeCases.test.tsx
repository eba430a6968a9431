import { act, cleanup, render, screen, within } from '@testing-library/react';
import fc from 'fast-check';
import { ParticipantKind, type RemoteParticipant, type RemoteTrackPublication } from 'livekit-client';
import { describe, expect, it, vi } from 'vitest';
import { CameraGrid } from '../../src/components/CameraGrid';
import { TokenStatusView } from '../../src/components/TokenStatusView';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { playableVideo } from '../helpers/media';
import {
  joinRemote,
  leaveRemote,
  publishCamera,
  renameRemote,
  roomWithoutServer,
  setCameraMuted,
  subscribeCamera,
  tokenGenerator,
  unpublishTrack,
  unsubscribeCamera,
} from '../helpers/room';
import { mintToken, SERVER_URL } from '../helpers/tokens';
import { renderSession, settle } from '../providers/render';
import { propertyRuns } from '../helpers/propertyRuns';

const quiet = { microphone: false } as const;

/** A started session showing `<CameraGrid>` (with `props`), and Bob and Cy in the call. */
async function gridWithBobAndCy(props: React.ComponentProps<typeof CameraGrid> = {}) {
  const { room } = roomWithoutServer();
  const { session } = renderSession(
    { generator: tokenGenerator(), room, roomName: 'standup', ...quiet },
    { children: <CameraGrid {...props} /> },
  );
  await settle(() => session().start());
  const people = [joinRemote(room, 'bob', { name: 'Bob' }), joinRemote(room, 'cy', { name: 'Cy' })];
  const tiles = () => within(screen.getByRole('list', { name: 'Cameras' })).getAllByRole('listitem');
  return { room, people, tiles };
}

/**
 * What the grid should show: a tile per camera (a placeholder for someone without one), yours too;
 * a video per camera subscribed to and turned on.
 */
function expectedTiles(people: RemoteParticipant[]) {
  const cameras = people.map((person) => [...person.trackPublications.values()]);
  const videos = cameras.flat().filter((camera) => camera.isSubscribed && !camera.isMuted);
  return [1 + cameras.reduce((sum, own) => sum + Math.max(1, own.length), 0), videos.length];
}

/** Runs of the property (25); raise them and pick the seed to explore: `EDGE_CASES_PROPERTY_RUNS=250 EDGE_CASES_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('EDGE_CASES_PROPERTY', 25);

describe('CameraGrid: a participant with two cameras (LiveKit publishes "a second track with the same source")', () => {
  it('shows a tile per camera, none duplicated, when someone else publishes after', async () => {
    const { room, people, tiles } = await gridWithBobAndCy();
    const [bob, cy] = people as [RemoteParticipant, RemoteParticipant];
    publishCamera(room, cy, { sid: 'TR_cy_1' });
    publishCamera(room, cy, { sid: 'TR_cy_2' });

    publishCamera(room, bob);

    const shown = tiles().map((tile) => tile.querySelector('.lk-ctr-camera-name')?.textContent);
    expect(shown.filter((name) => name === 'Cy')).toHaveLength(2);
    expect(tiles()).toHaveLength(4);
  });

  it('with onlySubscribed, shows a placeholder per camera not subscribed to yet, and none left over once each is subscribed to or unpublished', async () => {
    playableVideo();
    const { room, people, tiles } = await gridWithBobAndCy({ onlySubscribed: true });
    const cy = people[1]!;
    const [first, second, third] = ['TR_cy_1', 'TR_cy_2', 'TR_cy_3'].map((sid) => publishCamera(room, cy, { sid, autoSubscribe: true }));
    /** Cy's tiles, and how many of them show a video. */
    const cysTiles = () => {
      const shown = tiles().filter((tile) => tile.querySelector('.lk-ctr-camera-name')?.textContent === 'Cy');
      return [shown.length, shown.filter((tile) => tile.querySelector('video') !== null).length];
    };
    expect(cysTiles()).toEqual([3, 0]);

    subscribeCamera(room, cy, second!);
    expect(cysTiles()).toEqual([3, 1]);
    subscribeCamera(room, cy, first!);
    expect(cysTiles()).toEqual([3, 2]);
    unpublishTrack(room, cy, second!);
    expect(cysTiles()).toEqual([2, 1]);
    subscribeCamera(room, cy, third!);
    expect(cysTiles()).toEqual([2, 2]);
  });

  it('matches the cameras in the call after any sequence of publishing, subscribing, unsubscribing, unpublishing and muting', async () => {
    playableVideo();
    const actions = ['publish', 'subscribe', 'unsubscribe', 'unpublish', 'mute', 'unmute'] as const;
    const step = fc.tuple(fc.constantFrom(...actions), fc.constantFrom(0, 1), fc.nat(3));
    let sid = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 10 }), async (steps) => {
        cleanup();
        const { room, people, tiles } = await gridWithBobAndCy();
        for (const [action, who, which] of steps) {
          const person = people[who]!;
          const cameras = [...person.trackPublications.values()] as RemoteTrackPublication[];
          const camera = cameras[which % Math.max(1, cameras.length)];
          if (action === 'publish') publishCamera(room, person, { sid: `TR_${(sid += 1)}`, autoSubscribe: true });
          else if (camera && action === 'subscribe') {
            if (!camera.track) subscribeCamera(room, person, camera);
          } else if (camera && action === 'unsubscribe') {
            if (camera.track) unsubscribeCamera(room, person, camera);
          } else if (camera && action === 'unpublish') unpublishTrack(room, person, camera);
          else if (camera) setCameraMuted(room, person, camera, action === 'mute');
          const shown = tiles();
          expect([shown.length, shown.filter((tile) => tile.querySelector('video') !== null).length]).toEqual(expectedTiles(people));
        }
      }),
      {
        numRuns: RUNS,
        ...seed,
        examples: [
          [
            [
              ['publish', 1, 0],
              ['publish', 1, 0],
              ['publish', 0, 0],
            ],
          ],
          [
            [
              ['publish', 0, 0],
              ['subscribe', 0, 0],
              ['mute', 0, 0],
              ['unsubscribe', 0, 0],
              ['unmute', 0, 0],
              ['subscribe', 0, 0],
            ],
          ],
        ],
      },
    );
  }, 60_000);
});

describe('CameraGrid: participants of the same name joining, leaving and publishing in any order', () => {
  it('keeps one tile per camera (a placeholder for none), every name on screen distinct, and each Bob numbered by the order of identities', async () => {
    const step = fc.tuple(fc.constantFrom('join', 'leave', 'publish', 'unpublish'), fc.nat(3));
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 12 }), async (steps) => {
        cleanup();
        const { room } = roomWithoutServer();
        const { session } = renderSession(
          { generator: tokenGenerator(), room, roomName: 'standup', ...quiet },
          { children: <CameraGrid /> },
        );
        await settle(() => session().start());
        let sid = 0;
        for (const [action, which] of steps) {
          const identity = `bob-${which}`;
          const person = room.remoteParticipants.get(identity);
          if (action === 'join' && !person) joinRemote(room, identity, { name: 'Bob' });
          else if (action === 'leave' && person) leaveRemote(room, person);
          else if (action === 'publish' && person) publishCamera(room, person, { sid: `TR_${(sid += 1)}` });
          else if (action === 'unpublish' && person) {
            const camera = [...person.trackPublications.values()][0];
            if (camera) unpublishTrack(room, person, camera);
          }
          const people = [...room.remoteParticipants.values()].sort((a, b) => (a.identity < b.identity ? -1 : 1));
          const tiles = within(screen.getByRole('list', { name: 'Cameras' })).getAllByRole('listitem');
          expect(tiles).toHaveLength(expectedTiles(people)[0]!);
          const names = tiles
            .filter((tile) => !tile.hasAttribute('data-local'))
            .map((tile) => tile.querySelector('.lk-ctr-camera-name-text')?.textContent);
          // Bob, Bob (2), … by identity: `bob-0` before `bob-1`, whoever joined or published first.
          expect(new Set(names)).toEqual(new Set(people.map((_, index) => (index === 0 ? 'Bob' : `Bob (${index + 1})`))));
        }
      }),
      { numRuns: RUNS, ...seed },
    );
  }, 60_000);
});

describe("CameraGrid: an agent's avatar (a worker publishing on the agent's behalf, as LiveKit's avatar plugins do)", () => {
  it("shows the avatar's camera as the agent's one tile, labelled with the agent's name", async () => {
    playableVideo();
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'support', ...quiet },
      { children: <CameraGrid emphasizeAgent /> },
    );
    await settle(() => session().start());
    joinRemote(room, 'agent-AJ_x7', { kind: ParticipantKind.AGENT, name: 'Helper', attributes: { 'lk.agent.state': 'listening' } });
    const avatar = joinRemote(room, 'avatar-AJ_x7', { kind: ParticipantKind.AGENT, attributes: { 'lk.publish_on_behalf': 'agent-AJ_x7' } });
    subscribeCamera(room, avatar, publishCamera(room, avatar));

    const tiles = within(screen.getByRole('list', { name: 'Cameras' })).getAllByRole('listitem');
    const agentTiles = tiles.filter((tile) => tile.hasAttribute('data-agent'));
    expect(agentTiles.map((tile) => tile.querySelector('.lk-ctr-camera-name')?.textContent)).toEqual(['Helper']);
    expect(agentTiles[0]!.querySelector('video')?.getAttribute('aria-label')).toBe("Helper's camera");
    expect(tiles[0]).toBe(agentTiles[0]);
  });

  it("labels the avatar's tile with the agent's name also without placeholders (the agent then has no tile of its own)", async () => {
    playableVideo();
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator(), room, roomName: 'support', ...quiet },
      { children: <CameraGrid placeholders={false} /> },
    );
    await settle(() => session().start());
    joinRemote(room, 'agent-AJ_x7', { kind: ParticipantKind.AGENT, name: 'Helper', attributes: { 'lk.agent.state': 'listening' } });
    const avatar = joinRemote(room, 'avatar-AJ_x7', { kind: ParticipantKind.AGENT, attributes: { 'lk.publish_on_behalf': 'agent-AJ_x7' } });
    subscribeCamera(room, avatar, publishCamera(room, avatar));

    const tiles = within(screen.getByRole('list', { name: 'Cameras' })).getAllByRole('listitem');
    expect(tiles.map((tile) => tile.querySelector('.lk-ctr-camera-name')?.textContent)).toEqual(['Helper']);
    expect(tiles[0]!.querySelector('video')?.getAttribute('aria-label')).toBe("Helper's camera");
  });
});

describe('CameraGrid: who gets a tile', () => {
  it('gives a screen share no tile: the grid shows cameras, and the sharer keeps their one tile', async () => {
    playableVideo();
    const { room, people, tiles } = await gridWithBobAndCy();
    const bob = people[0]!;
    subscribeCamera(room, bob, publishCamera(room, bob, { screenShare: true }));

    expect(tiles().map((tile) => tile.querySelector('.lk-ctr-camera-name-text')?.textContent)).toEqual([expect.any(String), 'Bob', 'Cy']);
    expect(tiles().filter((tile) => tile.querySelector('video'))).toHaveLength(0);
  });

  it('gives two participants with the same name a tile each, and keeps the right one when the other leaves', async () => {
    playableVideo();
    const { room, people, tiles } = await gridWithBobAndCy();
    const otherBob = joinRemote(room, 'bob-2', { name: 'Bob' });
    subscribeCamera(room, otherBob, publishCamera(room, otherBob));
    const bobs = () => tiles().filter((tile) => tile.querySelector('.lk-ctr-camera-name-text')?.textContent?.startsWith('Bob'));
    // One without a camera, one with (LiveKit's order, not the tests' business).
    expect(
      bobs()
        .map((tile) => tile.hasAttribute('data-placeholder'))
        .sort(),
    ).toEqual([false, true]);

    leaveRemote(room, people[0]!);

    expect(bobs().map((tile) => tile.hasAttribute('data-placeholder'))).toEqual([false]);
    expect(tiles()).toHaveLength(3);
  });

  it('leaves no tile behind for a participant who leaves before their camera is subscribed to, nor after', async () => {
    playableVideo();
    const { room, people, tiles } = await gridWithBobAndCy();
    const [bob, cy] = people as [RemoteParticipant, RemoteParticipant];
    publishCamera(room, bob, { autoSubscribe: true });
    subscribeCamera(room, cy, publishCamera(room, cy, { autoSubscribe: true }));
    expect(tiles()).toHaveLength(3);

    leaveRemote(room, bob);
    leaveRemote(room, cy);

    expect(tiles()).toHaveLength(1);
    expect(tiles()[0]!.hasAttribute('data-local')).toBe(true);
  });
});

describe('CameraGrid: participants of the same name (a screen reader tells their tiles apart)', () => {
  /** What a screen reader hears of each tile but yours: the name on it, and its video's name (in no order: the tiles' is LiveKit's). */
  const heard = (tiles: HTMLElement[]) =>
    tiles
      .filter((tile) => !tile.hasAttribute('data-local'))
      .map((tile) => [tile.querySelector('.lk-ctr-camera-name-text')?.textContent, tile.querySelector('video')?.getAttribute('aria-label')])
      .sort(([a], [b]) => String(a).localeCompare(String(b)));

  it('names the second and later "Bob (2)", "Bob (3)" — their tiles and their videos — and keeps the first "Bob"', async () => {
    playableVideo();
    const { room, people, tiles } = await gridWithBobAndCy();
    const bobs = [people[0]!, joinRemote(room, 'bob-2', { name: 'Bob' }), joinRemote(room, 'bob-3', { name: 'Bob' })];
    for (const bob of bobs.slice(0, 2)) subscribeCamera(room, bob, publishCamera(room, bob));

    expect(heard(tiles())).toEqual([
      ['Bob', "Bob's camera"],
      ['Bob (2)', "Bob (2)'s camera"],
      ['Bob (3)', undefined],
      ['Cy', undefined],
    ]);
  });

  it("keeps each one's name when the other's camera comes (their tiles move)", async () => {
    playableVideo();
    const { room, people, tiles } = await gridWithBobAndCy();
    const otherBob = joinRemote(room, 'bob-2', { name: 'Bob' });
    subscribeCamera(room, otherBob, publishCamera(room, otherBob));
    expect(heard(tiles())).toEqual([
      ['Bob', undefined],
      ['Bob (2)', "Bob (2)'s camera"],
      ['Cy', undefined],
    ]);

    subscribeCamera(room, people[0]!, publishCamera(room, people[0]!));

    expect(heard(tiles())).toEqual([
      ['Bob', "Bob's camera"],
      ['Bob (2)', "Bob (2)'s camera"],
      ['Cy', undefined],
    ]);
  });

  it('gives the remaining one back their own name when the others leave', async () => {
    const { room, people, tiles } = await gridWithBobAndCy();
    joinRemote(room, 'bob-2', { name: 'Bob' });
    expect(heard(tiles())).toEqual([
      ['Bob', undefined],
      ['Bob (2)', undefined],
      ['Cy', undefined],
    ]);

    leaveRemote(room, people[0]!);

    expect(heard(tiles())).toEqual([
      ['Bob', undefined],
      ['Cy', undefined],
    ]);
  });

  it('tells your tile apart from another of your name, and an agent without a name from a second one', async () => {
    playableVideo();
    const { room } = roomWithoutServer();
    const { session } = renderSession(
      { generator: tokenGenerator({ name: 'Hedy' }), room, roomName: 'standup', participantName: 'Hedy', ...quiet },
      { children: <CameraGrid /> },
    );
    await settle(() => session().start());
    // The server names you in its answer to the join, which this room without a server does not get.
    act(() => {
      room.localParticipant['_setName']('Hedy');
    });
    const people = [
      joinRemote(room, 'hedy-2', { name: 'Hedy' }),
      joinRemote(room, 'agent-AJ_1', { kind: ParticipantKind.AGENT }),
      joinRemote(room, 'agent-AJ_2', { kind: ParticipantKind.AGENT }),
    ];
    for (const person of people) subscribeCamera(room, person, publishCamera(room, person));
    const tiles = within(screen.getByRole('list', { name: 'Cameras' })).getAllByRole('listitem');
    const mine = tiles.find((tile) => tile.hasAttribute('data-local'))!;

    expect(mine.querySelector('.lk-ctr-camera-name')?.textContent).toBe('Hedy (you)');
    expect(heard(tiles)).toEqual([
      ['Agent', "Agent's camera"],
      ['Agent (2)', "Agent (2)'s camera"],
      ['Hedy (2)', "Hedy (2)'s camera"],
    ]);
  });

  it('names them by labels.sameName, translated', async () => {
    playableVideo();
    const { room, tiles } = await gridWithBobAndCy({
      labels: { camera: (name) => `Kamera von ${name}`, sameName: (name, ordinal) => `${name} Nr. ${ordinal}` },
    });
    const otherBob = joinRemote(room, 'bob-2', { name: 'Bob' });
    subscribeCamera(room, otherBob, publishCamera(room, otherBob));

    expect(heard(tiles())).toEqual([
      ['Bob', undefined],
      ['Bob Nr. 2', 'Kamera von Bob Nr. 2'],
      ['Cy', undefined],
    ]);
  });
});

describe('CameraGrid: a participant renamed during the call', () => {
  it("shows the new name on the participant's tile, and its new initial", async () => {
    const { room, people, tiles } = await gridWithBobAndCy();
    renameRemote(room, people[0]!, 'Robert');

    const bobsTile = tiles().find((tile) => tile.querySelector('.lk-ctr-camera-name')?.textContent === 'Robert');
    expect(bobsTile?.querySelector('.lk-ctr-camera-placeholder')?.textContent).toBe('R');
  });

  it('labels an agent with the name it is given after joining, not "Agent"', async () => {
    const { room, tiles } = await gridWithBobAndCy();
    const agent = joinRemote(room, 'agent-AJ_x7', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    renameRemote(room, agent, 'Helper');

    const agentTile = tiles().find((tile) => tile.hasAttribute('data-agent'));
    expect(agentTile?.querySelector('.lk-ctr-camera-name')?.textContent).toBe('Helper');
  });
});

describe("CameraGrid: the placeholder's initial", () => {
  it.each([
    ['👩‍💻 Dev', '👩‍💻'], // an emoji ZWJ sequence: one character on screen
    ['🇫🇷 Marie', '🇫🇷'], // a flag: two regional indicators
    ['👍🏽 Sam', '👍🏽'], // an emoji with a skin tone
    ['e\u0301lodie', 'E\u0301'], // "élodie" typed in decomposed form (NFD, as macOS file names are)
  ])('is the whole first character of %s', async (name, initial) => {
    const { room } = roomWithoutServer();
    const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', ...quiet }, { children: <CameraGrid /> });
    await settle(() => session().start());
    joinRemote(room, 'someone', { name });
    const tile = within(screen.getByRole('list', { name: 'Cameras' }))
      .getByText(name)
      .closest('li')!;
    expect(tile.querySelector('.lk-ctr-camera-placeholder')?.textContent).toBe(initial);
  });
});

describe('TokenStatusView: the expired token', () => {
  it('never counts down beside "Token expired": the countdown says expired as soon as the status does', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-28T10:00:00Z') });
    // Tokens living 10 s, each answered after 337 ms (a network round trip).
    const source = createCustomTokenSource(
      async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 337));
        return { serverUrl: SERVER_URL, participantToken: await mintToken({ room: request.roomName, ttl: 10 }) };
      },
      { retries: 0 },
    );
    render(<TokenStatusView source={source} />);
    const view = screen.getByRole('region', { name: 'Token status' });
    await act(async () => {
      void source.fetch({ roomName: 'standup' });
      await vi.advanceTimersByTimeAsync(400);
    });
    // In a call (no refresh ahead); the app fetches a new token 2.5 s later, off the countdown's second.
    source.setConnected(true);
    await act(() => vi.advanceTimersByTimeAsync(2_100));
    await act(async () => {
      void source.refresh();
      await vi.advanceTimersByTimeAsync(400);
    });
    const shown = new Set<string>();
    const observer = new MutationObserver(() =>
      shown.add(`${within(view).getByRole('status').textContent} · ${view.querySelector('dl > dd:last-of-type')?.textContent}`),
    );
    observer.observe(view, { subtree: true, childList: true, characterData: true, attributes: true });

    for (let step = 0; step < 150; step += 1) await act(() => vi.advanceTimersByTimeAsync(100));
    observer.disconnect();

    expect(shown).toContain('Token expired · expired');
    expect([...shown].filter((line) => line.startsWith('Token expired') && line !== 'Token expired · expired')).toEqual([]);
  });
});
