import { act, waitFor } from '@testing-library/react';
import fc from 'fast-check';
import { Track } from 'livekit-client';
import * as React from 'react';
import { describe, expect, it } from 'vitest';
import { CameraGrid } from '../../src/components/CameraGrid';
import { noop } from '../../src/core/noop';
import { fakeMediaDevices } from '../helpers/media';
import { publishWithoutServer, roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from '../providers/render';
import { propertyRuns } from '../helpers/propertyRuns';

type Step =
  | { kind: 'toggle'; on: boolean; awaited: boolean }
  | { kind: 'restart' }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'remountGrid' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('toggle' as const), on: fc.boolean(), awaited: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'resume' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'remountGrid' as const }) },
);

type SetShown = React.Dispatch<React.SetStateAction<boolean>>;

/** Runs of the property (40, a minute allowed: 1.5 s each); raise them and pick the seed to explore: `CAMERA_TOGGLES_PROPERTY_RUNS=400 CAMERA_TOGGLES_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('CAMERA_TOGGLES_PROPERTY', 40);

/** The grid, mounted or not as the test says (through `shownRef`). */
function Tiles({ shownRef }: { shownRef: React.Ref<SetShown> }) {
  const [shown, setShown] = React.useState(true);
  React.useImperativeHandle(shownRef, () => setShown, []);
  return shown ? <CameraGrid /> : null;
}

describe('CameraGrid as your camera is turned on and off, restarted and paused in any order', () => {
  it(
    'shows exactly your live, published cameras — a placeholder for one off or paused — and nothing captures after end()',
    async () => {
      const media = fakeMediaDevices();
      const ask = media.getUserMedia.getMockImplementation()!;
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), fc.array(step, { maxLength: 8 }), async (s, steps) => {
          // The browser's grants and the server's answers to each publish come in the order fast-check picks.
          media.getUserMedia.mockImplementation((constraints) => {
            const granted = ask(constraints);
            void s.schedule(Promise.resolve(), 'the browser hands out a camera').then(() => media.grant());
            return granted;
          });
          const { room } = roomWithoutServer();
          // Not within 20 ms: livekit-client's setCameraEnabled looks for a publish under way every 20 ms, and
          // waits 10 s for one it missed (a real server's answer takes longer; a missed one only slows the test).
          publishWithoutServer(room, async () => {
            await new Promise((resolve) => setTimeout(resolve, 30));
            await s.schedule(Promise.resolve(), 'the server answers a publish');
          });
          const grid = React.createRef<SetShown>();
          const { session, unmount, container } = renderSession(
            { generator: tokenGenerator(), room, roomName: 'standup', microphone: false },
            { children: <Tiles shownRef={grid} /> },
          );
          try {
            await settle(() => session().start());
            const participant = room.localParticipant;
            const camera = () => participant.getTrackPublication(Track.Source.Camera);
            const pending: Promise<unknown>[] = [];
            const runAll = () =>
              act(async () => {
                await s.waitFor(Promise.allSettled(pending));
                await s.waitAll();
              });

            for (const next of steps) {
              if (next.kind === 'toggle') {
                const toggled = participant.setCameraEnabled(next.on).catch(noop);
                if (next.awaited) await act(() => s.waitFor(toggled));
                else pending.push(toggled);
              } else if (next.kind === 'remountGrid') act(() => grid.current!((shown) => !shown));
              else {
                const track = camera()?.videoTrack;
                if (!track) continue;
                const change =
                  next.kind === 'restart' ? track.restartTrack() : next.kind === 'pause' ? track.pauseUpstream() : track.resumeUpstream();
                pending.push(change.catch(noop));
              }
            }
            await runAll();
            act(() => grid.current!(true));

            const cameras = [...participant.trackPublications.values()].filter(({ source }) => source === Track.Source.Camera);
            const on = cameras.filter(({ isMuted, track }) => track && !isMuted);
            const showing = on.filter(({ isUpstreamPaused }) => !isUpstreamPaused);
            await waitFor(
              () => {
                const tiles = [...container.querySelectorAll('.lk-ctr-camera-tile[data-local]')];
                expect(tiles).toHaveLength(Math.max(1, cameras.length));
                expect(tiles.filter((tile) => !tile.hasAttribute('data-placeholder'))).toHaveLength(showing.length);
                expect(tiles.filter((tile) => tile.querySelector('video'))).toHaveLength(showing.length);
              },
              { timeout: 3_000 },
            );
            // A video tile plays a camera that captures: never a stopped (black) one.
            expect(showing.map(({ track }) => track!.mediaStreamTrack.readyState)).toEqual(showing.map(() => 'live'));
            await settle(() => session().end());
            await act(() => runAll());
            expect(media.live()).toEqual([]);
          } finally {
            unmount();
            await room.disconnect();
          }
        }),
        { numRuns: RUNS, ...seed },
      );
    },
    RUNS * 1_500,
  );
});
