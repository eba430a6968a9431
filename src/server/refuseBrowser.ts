/**
 * What `livekit-custom-token-react/server` resolves to under the `browser` export condition.
 * The server entry signs tokens with the LiveKit API secret, so bundling it for a browser is a
 * mistake this module stops the moment the bundle loads. It exports nothing.
 */
throw new Error(
  'livekit-custom-token-react/server was bundled for the browser. It holds your LiveKit API secret and must only run on a server: ' +
    'import it from a route handler, server action or Node server, and use createEndpointGenerator from "livekit-custom-token-react" in the browser.',
);
