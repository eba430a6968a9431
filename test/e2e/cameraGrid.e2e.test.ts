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
