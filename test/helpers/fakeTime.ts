import { act } from '@testing-library/react';
import { vi } from 'vitest';

/** Moves vitest's fake timers on by `ms` inside React's `act`, letting each timer's promises run. */
export const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

/** Lets every pending promise of the room, the source and React run out, without time passing. */
export async function flush() {
  for (let i = 0; i < 5; i += 1) await advance(0);
}
