import type { Page } from 'playwright-core';

/** What the page holds of the browser's media and WebRTC: every camera/microphone track it was given, every peer connection it made. */
export interface MediaProbe {
  /** Tracks from `getUserMedia` so far, and how many of them still capture. */
  tracks: number;
  liveTracks: number;
  /** `RTCPeerConnection`s created so far, and how many of them are closed. */
  peerConnections: number;
  closedPeerConnections: number;
  /** Peer connections still open that never began to connect (`connectionState` `new`: no answer from the server was applied). */
  neverConnectedPeerConnections: number;
}

interface ProbeWindow {
  __mediaProbe?: { tracks: MediaStreamTrack[]; peerConnections: RTCPeerConnection[] };
}

/**
 * Runs in the page before its scripts (`page.addInitScript`): records the tracks `getUserMedia`
 * hands out and the peer connections created, without changing what either does.
 */
export function installMediaProbe(): void {
  const probe = { tracks: [] as MediaStreamTrack[], peerConnections: [] as RTCPeerConnection[] };
  (window as ProbeWindow).__mediaProbe = probe;
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    probe.tracks.push(...stream.getTracks());
    return stream;
  };
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      probe.peerConnections.push(this);
    }
  };
}

/** Reads the probe. */
export function readMediaProbe(page: Page): Promise<MediaProbe> {
  return page.evaluate(() => {
    const { tracks, peerConnections } = (window as ProbeWindow).__mediaProbe!;
    return {
      tracks: tracks.length,
      liveTracks: tracks.filter((track) => track.readyState === 'live').length,
      peerConnections: peerConnections.length,
      closedPeerConnections: peerConnections.filter((connection) => connection.signalingState === 'closed').length,
      neverConnectedPeerConnections: peerConnections.filter(
        (connection) => connection.signalingState !== 'closed' && connection.connectionState === 'new',
      ).length,
    };
  });
}

/** The page's JavaScript heap in use after a full garbage collection, in bytes (Chrome DevTools Protocol). */
export async function heapUsedAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize;
  } finally {
    await cdp.detach();
  }
}
