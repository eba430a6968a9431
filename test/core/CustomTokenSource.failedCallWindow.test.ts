import { describe, expect, it } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { controlledGenerator } from '../helpers/generators';

/**
 * The moments between a generator call's failure and the cache engine's record of it: TanStack's
 * `query.fetch()` starts a new call there (its retryer has rejected), and the failure, recorded just
 * after, says the query is idle while that new call runs — so the next fetch started yet another, and
 * the one before it was out of reach of every abort. README: "a token fetch still in flight when the
 * component unmounts is aborted"; `cancel()` "aborts the fetch of this source that is in flight".
 */
describe('CustomTokenSource fetches asked in the moments after a call failed', () => {
  const unauthorized = () => Object.assign(new Error('Unauthorized'), { status: 401 });
  const ticks = (count: number) => Array.from({ length: count }).reduce<Promise<void>>((before) => before.then(), Promise.resolve());

  it('leaves no generator call running after cancel() and the last subscriber leaving, whatever the microtasks between', async () => {
    for (let gap = 0; gap <= 8; gap += 1) {
      const { generator, calls } = controlledGenerator();
      const source = createCustomTokenSource(generator, { retries: 0 });
      const unsubscribe = source.subscribe(() => {});
      void source.fetch({ roomName: 'A' }).catch(() => {});
      await ticks(4);
      expect(calls).toHaveLength(1);
      // The call fails; LiveKit's end() asks for the next session's token (a forced fetch) in the same task, and again.
      calls[0]!.reject(unauthorized());
      await ticks(gap);
      void source.fetch({ roomName: 'A' }, true);
      await ticks(20);
      void source.fetch({ roomName: 'A' }, true);
      await ticks(20);
      source.cancel();
      unsubscribe();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const running = calls.filter(({ signal }, index) => index > 0 && !signal.aborted);
      expect(running, `${gap} microtasks after the failure: calls neither answered nor aborted, of ${calls.length}`).toEqual([]);
    }
  });
});
