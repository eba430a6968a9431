import * as React from 'react';

/** Whether the live stories can run: the dev token endpoint and the local LiveKit server. */
export type LocalServerStatus =
  | { kind: 'checking' }
  | { kind: 'static-build' }
  | { kind: 'livekit-down' }
  | { kind: 'ready'; agentName: string };

/**
 * Asks Storybook's dev server (`GET /api/livekit-status`, mounted by `.storybook/tokenEndpointPlugin.ts`)
 * whether the local LiveKit server answers. The static build has no endpoint, so it asks nothing.
 */
export function useLocalServerStatus(): [LocalServerStatus, () => void] {
  const [status, setStatus] = React.useState<LocalServerStatus>(import.meta.env.DEV ? { kind: 'checking' } : { kind: 'static-build' });
  const [attempt, setAttempt] = React.useState(0);
  React.useEffect(() => {
    if (!import.meta.env.DEV) return;
    const controller = new AbortController();
    fetch('/api/livekit-status', { signal: controller.signal })
      .then((response) => response.json() as Promise<{ livekit: boolean; agentName: string }>)
      .then(({ livekit, agentName }) => setStatus(livekit ? { kind: 'ready', agentName } : { kind: 'livekit-down' }))
      .catch(() => controller.signal.aborted || setStatus({ kind: 'livekit-down' }));
    return () => controller.abort();
  }, [attempt]);
  const recheck = React.useCallback(() => {
    setStatus({ kind: 'checking' });
    setAttempt((count) => count + 1);
  }, []);
  return [status, recheck];
}
