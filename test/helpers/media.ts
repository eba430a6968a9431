import { onTestFinished, vi } from 'vitest';

/** A camera or microphone the browser handed out: live until stopped, or until its device ends. */
export interface FakeMediaTrack {
  readonly kind: 'audio' | 'video';
  readonly readyState: 'live' | 'ended';
  /** The device ends (unplugged, taken by the OS): unlike `stop()`, the browser fires `ended`. */
  end(): void;
}

/**
 * The browser's `getUserMedia` (jsdom has none): each request stays pending until the test
 * grants it (`grant()`), then resolves with one stand-in `MediaStreamTrack` per asked kind, which
 * records `stop()`. Everything above it — `createLocalTracks`, `LocalVideoTrack` — is livekit-client's own.
 * Undone when the test finishes (or earlier by `uninstall()`): unit files share one jsdom per
 * worker (`isolate: false`), and a fake left installed would hold the next file's starts, whose
 * requests wait for a `grant()` that never comes.
 */
export function fakeMediaDevices() {
  const tracks: FakeMediaTrack[] = [];
  const pending: (() => void)[] = [];
  const getUserMedia = vi.fn(
    (constraints: MediaStreamConstraints) =>
      new Promise<MediaStream>((resolve) => {
        pending.push(() => {
          const kinds = (['audio', 'video'] as const).filter((kind) => constraints[kind]);
          const created = kinds.map(standInTrack);
          tracks.push(...created);
          resolve({
            getTracks: () => created,
            getAudioTracks: () => created.filter((t) => t.kind === 'audio'),
            getVideoTracks: () => created.filter((t) => t.kind === 'video'),
          } as unknown as MediaStream);
        });
      }),
  );
  // livekit-client wraps tracks in a `MediaStream` and tells its own tracks from the browser's by
  // `instanceof MediaStreamTrack`; jsdom has neither.
  const hadMediaStream = 'MediaStream' in globalThis;
  if (!hadMediaStream) Object.assign(globalThis, { MediaStream: StandInMediaStream, MediaStreamTrack: class MediaStreamTrack {} });
  Object.defineProperty(navigator, 'mediaDevices', {
    configurable: true,
    value: { getUserMedia, enumerateDevices: async () => [], addEventListener() {}, removeEventListener() {} },
  });
  const uninstall = () => {
    Reflect.deleteProperty(navigator, 'mediaDevices');
    if (hadMediaStream) return;
    Reflect.deleteProperty(globalThis, 'MediaStream');
    Reflect.deleteProperty(globalThis, 'MediaStreamTrack');
  };
  onTestFinished(uninstall);
  return {
    getUserMedia,
    /** Every track handed out so far. */
    tracks,
    /** Grants every pending request. */
    grant: () => pending.splice(0).forEach((resolve) => resolve()),
    /** The tracks still capturing. */
    live: () => tracks.filter((track) => track.readyState === 'live'),
    uninstall,
  };
}

/**
 * `<video>` elements a subscribed camera can be shown in: livekit-client attaches a track through a
 * `MediaStream` and `play()`, which jsdom lacks. Undone when the test finishes.
 */
export function playableVideo() {
  fakeMediaDevices();
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
}

function standInTrack(kind: 'audio' | 'video'): FakeMediaTrack {
  const endedListeners = new Set<() => void>();
  const track = {
    id: `fake-${kind}-${Math.random().toString(36).slice(2)}`,
    kind,
    label: `fake ${kind}`,
    enabled: true,
    muted: false,
    readyState: 'live' as 'live' | 'ended',
    addEventListener(type: string, listener: () => void) {
      if (type === 'ended') endedListeners.add(listener);
    },
    removeEventListener(type: string, listener: () => void) {
      if (type === 'ended') endedListeners.delete(listener);
    },
    getSettings: () => ({ deviceId: `fake-${kind}-device`, width: 640, height: 480 }),
    getConstraints: () => ({}),
    applyConstraints: async () => {},
    stop() {
      track.readyState = 'ended';
    },
    end() {
      if (track.readyState === 'ended') return;
      track.readyState = 'ended';
      endedListeners.forEach((listener) => listener());
    },
  };
  return track;
}

class StandInMediaStream {
  readonly #tracks: unknown[];
  constructor(tracks: unknown[] = []) {
    this.#tracks = [...tracks];
  }
  getTracks = () => [...this.#tracks];
  getAudioTracks = () => this.#tracks.filter((track) => (track as { kind?: unknown }).kind === 'audio');
  getVideoTracks = () => this.#tracks.filter((track) => (track as { kind?: unknown }).kind === 'video');
  addTrack = (track: unknown) => void this.#tracks.push(track);
  removeTrack = (track: unknown) => void this.#tracks.splice(this.#tracks.indexOf(track), 1);
}
