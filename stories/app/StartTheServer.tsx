import type { LocalServerStatus } from './useLocalServerStatus';

/** How to get the live stories running, for a status that is not `ready`. */
export function StartTheServer({ status, onRetry }: { status: LocalServerStatus; onRetry: () => void }) {
  if (status.kind === 'checking') {
    return (
      <section className="story-notice">
        <p>Looking for the local LiveKit server…</p>
      </section>
    );
  }
  return (
    <section className="story-notice" aria-labelledby="start-title">
      <h1 id="start-title">
        {status.kind === 'static-build' ? 'This story needs the dev server' : 'The local LiveKit server is not running'}
      </h1>
      <p>
        {status.kind === 'static-build'
          ? 'This Storybook has no token endpoint. Run it from a clone of the package:'
          : 'Nothing answers on http://127.0.0.1:7880; the terminal running npm start says why. Build the server once (needs Go), free the ports it needs (TCP 7880, UDP 7882) if another program holds one, then start everything:'}
      </p>
      <pre>
        <code>
          {
            '# once (needs Go): build the LiveKit server\nnode scripts/livekit-server.mjs build\n# LiveKit server, agent worker and Storybook\nnpm start'
          }
        </code>
      </pre>
      {status.kind === 'livekit-down' && (
        <button type="button" className="story-button" onClick={onRetry}>
          Check again
        </button>
      )}
    </section>
  );
}
