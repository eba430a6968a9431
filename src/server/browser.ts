/**
 * What `livekit-custom-token-react/server` resolves to under the `browser` export condition.
 * The server entry signs tokens with the LiveKit API secret, so bundling it for a browser is a
 * mistake, stopped twice, in this order:
 * - at run time, in any bundle: `refuseBrowser` throws an explanation as the module loads;
 * - at build time, in Next.js: `server-only` in a client module graph fails `next build`, and the
 *   error's code frame shows this file's banner (see `vite.config.ts`).
 *
 * It exports the server entry's runtime names, so that a named import links: a bundler that
 * refuses a missing export (Vite, Rollup) would stop with that instead of the note. They are
 * never reached: `refuseBrowser` throws first.
 */
import './refuseBrowser.js';
import 'server-only';

export const createTokenHandler: never = undefined as never;
export const toNodeHandler: never = undefined as never;
export const TokenHandlerError: never = undefined as never;
