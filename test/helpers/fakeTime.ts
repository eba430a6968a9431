import { act } from '@testing-library/react';
import { vi } from 'vitest';

/** Moves vitest's fake timers on by `ms` inside React's `act`, letting each timer's promises run. */
export const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

/** Lets every pending promise of the room, the source and React run out, without time passing. */
export async function flush() {
  for (let i = 0; i < 5; i += 1) await advance(0);
}

/**
 * Moves time on by `ms` as a browser lives it, with React rendering at least once a second: one
 * `act` over the whole time holds React 18's renders (and what waits on them, such as LiveKit's
 * `waitUntilDisconnected`) until it ends, as no page does.
 */
export async function advanceRendering(ms: number) {
  for (let left = ms; left > 0; left -= 1_000) await advance(Math.min(left, 1_000));
}
