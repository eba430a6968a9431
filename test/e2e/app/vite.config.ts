import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const packageDist = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));

/**
 * The end-to-end test app, built against the package's own build output (`dist/`), the way an
 * app that installed it would see it. Peers resolve from the repository's `node_modules`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: { alias: [{ find: /^livekit-custom-token-react$/, replacement: packageDist }] },
  logLevel: 'warn',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, minify: false, target: 'es2022' },
});
