import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const packageDist = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));

/**
 * The connect-time page, built against the package's `dist/` like an installed copy (as the e2e
 * app is), in production mode (`connectTime.bench.ts` builds it with NODE_ENV=production).
 */
export default defineConfig({
  mode: 'production',
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: { alias: [{ find: /^livekit-custom-token-react$/, replacement: packageDist }] },
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../../node_modules/.cache/bench-connect-app', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
});
