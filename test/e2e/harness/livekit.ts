/** The LiveKit server of the end-to-end tests: fixed loopback address and dev keys (`test/e2e/livekit.yaml`). */
export { LIVEKIT_API_KEY, LIVEKIT_API_SECRET, LIVEKIT_HTTP_URL, LIVEKIT_WS_URL } from '../../../scripts/livekit-server.mjs';
