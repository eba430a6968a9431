/**
 * Imported first by `browser.ts`: stops a browser bundle of `livekit-custom-token-react/server`
 * the moment it loads, with what to do instead. It exports nothing.
 */
throw new Error(
  'livekit-custom-token-react/server was bundled for the browser. It holds your LiveKit API secret and must only run on a server: ' +
    'import it from a route handler, server action or Node server, and use createEndpointGenerator from "livekit-custom-token-react" in the browser.',
);
