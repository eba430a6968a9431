/**
 * What `livekit-custom-token-react/server` resolves to under the `browser` export condition.
 * The server entry signs tokens with the LiveKit API secret, so bundling it for a browser is a
 * mistake, stopped twice, in this order:
 * - at run time, in any bundle: `refuseBrowser` throws an explanation as the module loads;
 * - at build time, in Next.js: `server-only` in a client module graph fails `next build`, and the
 *   error's code frame shows this file's banner (see `vite.config.ts`).
 */
import './refuseBrowser.js';
import 'server-only';
