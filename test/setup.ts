import { cleanup } from '@testing-library/react';
import { TextDecoder, TextEncoder } from 'node:util';
import { afterEach, beforeEach, expect, vi } from 'vitest';

// jsdom replaces the global Uint8Array with its own realm's, so bytes from TextEncoder fail
// jose's `instanceof Uint8Array` (jose signs the real tokens tests mint with livekit-server-sdk).
// Put Node's realm back, as one realm is what a browser has.
const NodeUint8Array = Object.getPrototypeOf(new TextEncoder().encode('')).constructor as typeof Uint8Array;
Object.assign(globalThis, { TextEncoder, TextDecoder, Uint8Array: NodeUint8Array });

/**
 * Every test fails on an unhandled promise rejection, the defect this package exists to remove.
 */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});

afterEach(async () => {
  cleanup();
  vi.useRealTimers();
  // Let rejections of the test's last microtasks surface before checking.
  await new Promise((resolve) => setImmediate(resolve));
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled, 'unhandled promise rejections').toEqual([]);
});

// Tests mint real tokens with livekit-server-sdk inside jsdom, which makes the SDK warn that a
// secret is in a browser bundle. It is not (test/package proves it); keep the output readable.
const error = console.error;
console.error = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('You should not include your API secret')) return;
  error(...args);
};

// LiveKit's useSession pre-warms a connection on mount and console.warns when that token fetch
// fails. Tests that fail generators on purpose assert the failure through the session's typed
// error; the upstream warning would only repeat it.
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('WARNING: Room.prepareConnection failed')) return;
  warn(...args);
};

// jsdom's media elements cannot play: its `play()` returns nothing, where a browser's returns a
// promise. livekit-client attaching a track calls `element.play().catch(…)` in a timer on the
// Safari and Firefox path, which jsdom's user agent takes: answer as a browser would.
if (typeof HTMLMediaElement !== 'undefined') HTMLMediaElement.prototype.play = () => Promise.resolve();

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
