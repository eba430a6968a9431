import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const packageDist = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));

/**
 * The connect-time page, built against the package's `dist/` like an installed copy (as the e2e
 * app is), in production mode: React's production build, as users ship it (the bench runs under
 * Vitest, whose NODE_ENV=test would otherwise select React's development build and StrictMode's
 * double effects).
 */
export default defineConfig({
  mode: 'production',
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: { alias: [{ find: /^livekit-custom-token-react$/, replacement: packageDist }] },
  logLevel: 'warn',
  build: { outDir: fileURLToPath(new URL('../../../node_modules/.cache/bench-connect-app', import.meta.url)), emptyOutDir: true, target: 'es2022' },
});
