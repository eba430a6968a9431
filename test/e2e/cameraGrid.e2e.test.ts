import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { E2EWindow } from './app/state';
import { openApp, type AppPage } from './harness/appPage';
import { launchChromium, type E2EBrowser } from './harness/browser';

let browser: E2EBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

interface Tile {
  name: string;
  placeholder: boolean;
  /** The video's accessible name; null for a placeholder. */
  video: string | null;
}

/** `<CameraGrid>`'s tiles on the page, as a user meets them. */
const tiles = (page: Page): Promise<Tile[]> =>
  page.evaluate(() =>
    [...document.querySelectorAll('.lk-ctr-camera-tile')].map((tile) => ({
      name: tile.querySelector('.lk-ctr-camera-name-text')?.textContent ?? '',
      placeholder: tile.hasAttribute('data-placeholder'),
      video: tile.querySelector('video')?.getAttribute('aria-label') ?? null,
    })),
  );

/** Whether `name`'s tile plays its camera: its `<video>` decodes more frames between two reads half a second apart. */
async function playing(page: Page, name: string): Promise<boolean> {
  const frames = () =>
    page.evaluate((wanted) => {
      const tile = [...document.querySelectorAll('.lk-ctr-camera-tile')].find(
        (each) => each.querySelector('.lk-ctr-camera-name-text')?.textContent === wanted,
      );
      return tile?.querySelector('video')?.getVideoPlaybackQuality().totalVideoFrames ?? -1;
    }, name);
  const before = await frames();
  await new Promise((resolve) => setTimeout(resolve, 500));
  return before >= 0 && (await frames()) > before;
}

/** Whether the page's room has `identity`'s camera published. */
const cameraPublished = (page: Page, identity: string) =>
  page.evaluate((wanted) => {
    const room = (window as E2EWindow).__room!;
    const participant = room.localParticipant.identity === wanted ? room.localParticipant : room.getParticipantByIdentity(wanted);
    return participant?.getTrackPublication('camera' as never) !== undefined;
  }, identity);

async function pair(room: string, alice: Record<string, string> = {}): Promise<[AppPage, AppPage]> {
  const pages = await Promise.all([
    openApp(browser, { room, identity: 'alice', name: 'Alice', grid: '1', ...alice }),
    openApp(browser, { room, identity: 'bob', name: 'Bob', grid: '1' }),
  ]);
  await Promise.all(pages.map((page) => page.start()));
  return pages;
}

/** Alice's camera ends as an unplugged one does: its track stops, and the browser fires `ended`. */
const unplugCamera = (page: Page) =>
  page.evaluate(() => {
    const camera = (window as E2EWindow).__room!.localParticipant.getTrackPublication('camera' as never)!.track!.mediaStreamTrack;
    camera.stop();
    camera.dispatchEvent(new Event('ended'));
  });

/**
 * Before the page loads: the first camera `getUserMedia` hands out ends `endAfterMs` after it is
 * granted (the OS or the user ending the device; -1: ended already as it is handed out) — while
 * the start still waits for its token, before livekit-client publishes it. With `noCameraAfter`,
 * later camera requests find none.
 */
const cameraEndsBeforePublish =
  (endAfterMs: number, noCameraAfter = false) =>
  (page: Page) =>
    page.addInitScript(
      ([delay, none]) => {
        const devices = navigator.mediaDevices;
        const getUserMedia = devices.getUserMedia.bind(devices);
        let cameras = 0;
        devices.getUserMedia = async (constraints) => {
          if (constraints?.video && cameras++ > 0 && none) throw new DOMException('Requested device not found', 'NotFoundError');
          const stream = await getUserMedia(constraints);
          const camera = stream.getVideoTracks()[0];
          if (camera && cameras === 1) {
            const end = () => {
              camera.stop();
              camera.dispatchEvent(new Event('ended'));
            };
            if (delay < 0) end();
            else setTimeout(end, delay);
          }
          return stream;
        };
      },
      [endAfterMs, noCameraAfter] as const,
    );

describe('CameraGrid in Chromium with the real LiveKit server', () => {
  test("shows both real participants' cameras playing in their named tiles, and the placeholder while one turns the camera off", async () => {
    const [alice, bob] = await pair('e2e-grid');
    await expect
      .poll(() => tiles(alice.page))
      .toEqual([
        { name: 'Alice', placeholder: false, video: "Alice's camera" },
        { name: 'Bob', placeholder: false, video: "Bob's camera" },
      ]);
    await expect.poll(() => playing(alice.page, 'Alice')).toBe(true);
    await expect.poll(() => playing(alice.page, 'Bob')).toBe(true);
    await expect.poll(() => playing(bob.page, 'Alice')).toBe(true);

    await bob.page.getByTestId('camera-off').click();

    await expect.poll(() => tiles(alice.page)).toContainEqual({ name: 'Bob', placeholder: true, video: null });
    await expect.poll(() => tiles(bob.page)).toContainEqual({ name: 'Bob', placeholder: true, video: null });
    expect(await alice.page.locator('.lk-ctr-camera-tile[data-placeholder] .lk-ctr-camera-placeholder').textContent()).toBe('B');

    await bob.page.getByTestId('camera-on').click();

    await expect.poll(() => playing(alice.page, 'Bob')).toBe(true);
    await Promise.all([alice.end(), bob.end()]);
  });

  test('an unplugged camera: LiveKit takes a camera again and the tile plays on; with none left, it is the placeholder, the call goes on, and turning the camera on brings it back', async () => {
    const [alice, bob] = await pair('e2e-grid-unplugged');
    await expect.poll(() => playing(bob.page, 'Alice')).toBe(true);

    await unplugCamera(alice.page);

    // livekit-client asks the browser for a camera again (the fake device answers): the same tile plays the new track.
    await expect.poll(() => playing(alice.page, 'Alice')).toBe(true);
    await expect.poll(() => playing(bob.page, 'Alice')).toBe(true);

    // No camera left: livekit-client turns the camera off (muted), as the camera control would.
    await alice.page.evaluate(() => {
      const devices = navigator.mediaDevices as MediaDevices & { unplugged?: MediaDevices['getUserMedia'] };
      devices.unplugged = devices.getUserMedia;
      devices.getUserMedia = () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
    });
    await unplugCamera(alice.page);

    await expect.poll(() => tiles(alice.page)).toContainEqual({ name: 'Alice', placeholder: true, video: null });
    await expect.poll(() => tiles(bob.page)).toContainEqual({ name: 'Alice', placeholder: true, video: null });
    expect((await alice.state())?.isConnected).toBe(true);
    expect((await alice.state())?.error).toBeNull();

    // Plugged in again, the camera turned on (LiveKit's TrackToggle does the same): it plays again.
    await alice.page.evaluate(() => {
      const devices = navigator.mediaDevices as MediaDevices & { unplugged?: MediaDevices['getUserMedia'] };
      devices.getUserMedia = devices.unplugged!;
    });
    await alice.page.getByTestId('camera-on').click();

    await expect.poll(() => playing(alice.page, 'Alice')).toBe(true);
    await expect.poll(() => playing(bob.page, 'Alice')).toBe(true);
    await Promise.all([alice.end(), bob.end()]);
  });

  test('a camera that ends while the start waits for its token: LiveKit takes a camera again, and both tiles play it, never a black video', async () => {
    const bob = await openApp(browser, { room: 'e2e-grid-ended-early', identity: 'bob', name: 'Bob', grid: '1' });
    await bob.start();
    const alice = await openApp(
      browser,
      { room: 'e2e-grid-ended-early', identity: 'alice', name: 'Alice', grid: '1', tokenDelayMs: '2000' },
      cameraEndsBeforePublish(300),
    );
    await alice.start();

    await expect.poll(() => playing(alice.page, 'Alice')).toBe(true);
    await expect.poll(() => playing(bob.page, 'Alice')).toBe(true);
    expect((await alice.state())?.error).toBeNull();
    await Promise.all([alice.end(), bob.end()]);
  });

  test('a camera ended as it is handed out, with no other to be had: its tile is the placeholder on both sides, and the call goes on without an error', async () => {
    const bob = await openApp(browser, { room: 'e2e-grid-ended-none', identity: 'bob', name: 'Bob', grid: '1' });
    await bob.start();
    const alice = await openApp(
      browser,
      { room: 'e2e-grid-ended-none', identity: 'alice', name: 'Alice', grid: '1' },
      cameraEndsBeforePublish(-1, true),
    );
    await alice.start();
    // Not before: until it is published, a camera's tile is the placeholder anyway.
    await expect.poll(() => cameraPublished(alice.page, 'alice')).toBe(true);

    await expect.poll(() => tiles(alice.page)).toContainEqual({ name: 'Alice', placeholder: true, video: null });
    await expect.poll(() => tiles(bob.page)).toContainEqual({ name: 'Alice', placeholder: true, video: null });
    expect((await alice.state())?.isConnected).toBe(true);
    expect((await alice.state())?.error).toBeNull();
    await Promise.all([alice.end(), bob.end()]);
  });

  test('a camera the OS pauses (its track muted by the browser): once LiveKit pauses sending it, your tile is the placeholder, as everyone else sees it; it plays again when the OS resumes it', async () => {
    const [alice, bob] = await pair('e2e-grid-os-paused');
    await expect.poll(() => playing(bob.page, 'Alice')).toBe(true);
    const osCamera = (event: 'mute' | 'unmute') =>
      alice.page.evaluate((type) => {
        const camera = (window as E2EWindow).__room!.localParticipant.getTrackPublication('camera' as never)!.track!.mediaStreamTrack;
        camera.dispatchEvent(new Event(type));
      }, event);

    await osCamera('mute');

    // livekit-client waits 5 s for the camera to come back, then tells the server it is muted.
    await expect.poll(() => tiles(bob.page)).toContainEqual({ name: 'Alice', placeholder: true, video: null });
    await expect.poll(() => tiles(alice.page)).toContainEqual({ name: 'Alice', placeholder: true, video: null });
    expect((await alice.state())?.error).toBeNull();

    await osCamera('unmute');

    await expect.poll(() => playing(alice.page, 'Alice')).toBe(true);
    await expect.poll(() => playing(bob.page, 'Alice')).toBe(true);
    await Promise.all([alice.end(), bob.end()]);
  });

  test('adaptive stream: a camera paused while its tile is hidden plays again when the tile is shown, never a placeholder', async () => {
    const [alice, bob] = await pair('e2e-grid-adaptive', { adaptiveStream: '1' });
    await expect.poll(() => playing(alice.page, 'Bob')).toBe(true);
    const bobsCameraEnabled = () =>
      alice.page.evaluate(
        () => (window as E2EWindow).__room!.getParticipantByIdentity('bob')?.getTrackPublication('camera' as never)?.isEnabled,
      );

    await alice.page.getByTestId('toggle-grid').click();

    // livekit-client asks the server to stop sending a video no element shows.
    await expect.poll(bobsCameraEnabled).toBe(false);

    await alice.page.getByTestId('toggle-grid').click();

    await expect.poll(bobsCameraEnabled).toBe(true);
    await expect.poll(() => playing(alice.page, 'Bob')).toBe(true);
    expect(await tiles(alice.page)).toContainEqual({ name: 'Bob', placeholder: false, video: "Bob's camera" });
    await Promise.all([alice.end(), bob.end()]);
  });
});
