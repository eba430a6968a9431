import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const packageDist = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));
const packageStyles = fileURLToPath(new URL('../../../dist/styles.css', import.meta.url));
const peersOldest = fileURLToPath(new URL('../../peers-oldest/node_modules/', import.meta.url));

/**
 * `E2E_PEERS=oldest`: the oldest `livekit-client` and `@livekit/components-react` the peer ranges
 * allow (`test/peers-oldest`) instead of the repository's, for every import in the bundle.
 */
const peerAliases =
  process.env.E2E_PEERS === 'oldest'
    ? [
        { find: /^livekit-client$/, replacement: `${peersOldest}livekit-client/dist/livekit-client.esm.mjs` },
        { find: /^@livekit\/components-react$/, replacement: `${peersOldest}@livekit/components-react/dist/index.mjs` },
      ]
    : [];

/**
 * The end-to-end test app, built against the package's own build output (`dist/`), the way an
 * app that installed it would see it. Peers resolve from the repository's `node_modules`, or
 * from `test/peers-oldest` with `E2E_PEERS=oldest`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^livekit-custom-token-react$/, replacement: packageDist },
      { find: /^livekit-custom-token-react\/styles\.css$/, replacement: packageStyles },
      ...peerAliases,
    ],
  },
  logLevel: 'warn',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, minify: false, target: 'es2022' },
});
