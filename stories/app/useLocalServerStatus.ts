import * as React from 'react';

/** Whether the live stories can run: the token endpoint beside Storybook and the local LiveKit server. */
export type LocalServerStatus =
  { kind: 'checking' } | { kind: 'static-build' } | { kind: 'livekit-down' } | { kind: 'ready'; agentName: string };

/** Where the server beside Storybook answers whether LiveKit is up (`.storybook/tokenEndpointPlugin.ts`). */
export const STATUS_PATH = '/api/livekit-status';

/** The status, how to ask again, and whether the status is the answer to asking again (`false` while it is asked). */
export interface LocalServerCheck {
  status: LocalServerStatus;
  recheck: () => void;
  rechecked: boolean;
}

/**
 * Asks the server Storybook runs on (`GET /api/livekit-status`: `npm start`'s dev server, or the
 * live test's) whether the local LiveKit server answers. A plain static host has no such
 * endpoint (404): then the story says how to run it. While it asks again, the last answer stays
 * (the page and its focused "Check again" button with it); only the first check is `checking`.
 */
export function useLocalServerStatus(): LocalServerCheck {
  const [answer, setAnswer] = React.useState<{ status: LocalServerStatus; attempt: number }>({ status: { kind: 'checking' }, attempt: -1 });
  const [attempt, setAttempt] = React.useState(0);
  React.useEffect(() => {
    // Not aborted on cleanup (a one-shot GET): a stale answer is only ignored.
    let current = true;
    const settle = (status: LocalServerStatus) => current && setAnswer({ status, attempt });
    fetch(STATUS_PATH)
      .then(async (response) => {
        if (!response.ok) return settle({ kind: 'static-build' });
        const { livekit, agentName } = (await response.json()) as { livekit: boolean; agentName: string };
        settle(livekit ? { kind: 'ready', agentName } : { kind: 'livekit-down' });
      })
      .catch(() => settle({ kind: 'static-build' }));
    return () => {
      current = false;
    };
  }, [attempt]);
  const recheck = React.useCallback(() => setAttempt((count) => count + 1), []);
  return { status: answer.status, recheck, rechecked: attempt > 0 && answer.attempt === attempt };
}
