import type { Page } from 'playwright-core';

interface SlowWindow {
  __peerConnected?: boolean;
}

/**
 * Runs in the page before its scripts (`page.addInitScript`): a peer connection reports itself
 * `connected` to the page `delayMs` after it really is. The LiveKit server sees the connection at
 * once; livekit-client's `connect()` stays pending until the report. That stretches the moment
 * between the two — a few milliseconds on a real network — so a test can leave inside it.
 * `window.__peerConnected` turns true when the first connection is really up.
 */
export function delayPeerConnected(delayMs: number): void {
  // The native class, under any subclass another init script put in its place.
  let native: object = RTCPeerConnection.prototype;
  while (!Object.hasOwn(native, 'connectionState')) native = Object.getPrototypeOf(native) as object;
  const state = Object.getOwnPropertyDescriptor(native, 'connectionState')!.get!;
  const reported = new WeakSet<RTCPeerConnection>();
  Object.defineProperty(native, 'connectionState', {
    configurable: true,
    get(this: RTCPeerConnection) {
      const real = state.call(this) as RTCPeerConnectionState;
      return real === 'connected' && !reported.has(this) ? 'connecting' : real;
    },
  });
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      const onChange = () => {
        if (state.call(this) !== 'connected' || reported.has(this)) return;
        this.removeEventListener('connectionstatechange', onChange);
        (window as SlowWindow).__peerConnected = true;
        setTimeout(() => {
          reported.add(this);
          this.dispatchEvent(new Event('connectionstatechange'));
        }, delayMs);
      };
      this.addEventListener('connectionstatechange', onChange);
    }
  };
}

/** Resolves when a peer connection of the page is really connected (see {@link delayPeerConnected}). */
export async function peerConnected(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as SlowWindow).__peerConnected === true, undefined, { timeout: 15_000 });
}
