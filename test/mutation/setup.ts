import { TextDecoder, TextEncoder } from 'node:util';
import { afterEach, beforeEach, expect, vi } from 'vitest';

// Under jsdom (the core suite), the bytes of TextEncoder must be of Node's realm for jose's
// `instanceof Uint8Array`, as `test/setup.ts` does for the main config.
const NodeUint8Array = Object.getPrototypeOf(new TextEncoder().encode('')).constructor as typeof Uint8Array;
Object.assign(globalThis, { TextEncoder, TextDecoder, Uint8Array: NodeUint8Array });

/**
 * The part of `test/setup.ts` the core and server suites need, without the DOM and React pieces
 * whose imports would be paid again on every mutant: a test fails on an unhandled promise
 * rejection, so a mutant that leaks one is killed.
 */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await new Promise((resolve) => setImmediate(resolve));
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled, 'unhandled promise rejections').toEqual([]);
});
