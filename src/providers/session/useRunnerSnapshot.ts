import * as React from 'react';
import type { SessionRunner, SessionRunnerSnapshot } from './SessionRunner.js';

/**
 * The runner's snapshot as React state, set at the priority of what changed it (`connect`'s effect,
 * a network answer: not urgent), not as the synchronous update `useSyncExternalStore` forces: React
 * 18 renders a `<Suspense>` boundary inside the provider again on the client, instead of hydrating
 * it, when the provider's contexts change synchronously before it is hydrated. One state per
 * provider, so its consumers never read two snapshots.
 */
export function useRunnerSnapshot(runner: SessionRunner): SessionRunnerSnapshot {
  const [snapshot, setSnapshot] = React.useState(runner.getSnapshot);
  React.useEffect(() => {
    const update = () => setSnapshot(runner.getSnapshot());
    // A change between the render and this effect (an earlier effect's start()) is read now.
    update();
    return runner.subscribe(update);
  }, [runner]);
  return snapshot;
}
