import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

/** Peers and server-only dependencies: never bundled (a second livekit-client breaks `instanceof`). */
const external = [
  /^react($|\/)/,
  /^react-dom($|\/)/,
  /^livekit-client($|\/)/,
  /^@livekit\//,
  /^@tanstack\//,
  /^livekit-server-sdk($|\/)/,
  /^zod($|\/)/,
  /^rate-limiter-flexible($|\/)/,
  /^server-only$/,
  /^node:/,
  // Chosen per runtime by package.json `imports` conditions when the package is loaded.
  /^#signJwt$/,
];

/** `'use client'` for React Server Components; the reason `/server` fails a Next.js client build, shown in its error. */
const BANNERS: Record<string, string> = {
  index: "'use client';",
  // Next.js shows the two lines above the failing import: the reason goes last, under 90 characters.
  'server/browser':
    '// Import it from a route handler, server action or Node server; in the browser use createEndpointGenerator.\n' +
    '// Server code only: livekit-custom-token-react/server holds your LiveKit API secret.',
};

const entry = {
  index: 'src/index.ts',
  'server/index': 'src/server/index.ts',
  'server/browser': 'src/server/browser.ts',
  'server/refuseBrowser': 'src/server/refuseBrowser.ts',
  'server/platform/signJwt.node': 'src/server/platform/signJwt.node.ts',
  'server/platform/signJwt.web': 'src/server/platform/signJwt.web.ts',
};

/**
 * Library build: the client entry (with a `'use client'` banner, for React Server Components)
 * and the `/server` entry, ES modules with peers external. Types come from `tsc -p tsconfig.build.json`.
 */
export default defineConfig({
  // The production JSX runtime whatever NODE_ENV the build runs under (a test run's, say): a
  // development build calls `jsxDEV`, which React's production bundle does not have.
  esbuild: { jsxDev: false },
  plugins: [
    {
      // The optional stylesheet, exported as `livekit-custom-token-react/styles.css`.
      name: 'emit-styles-css',
      generateBundle() {
        this.emitFile({ type: 'asset', fileName: 'styles.css', source: readFileSync('src/styles.css', 'utf8') });
        // Its types: an empty module, so that `import 'livekit-custom-token-react/styles.css'` checks under
        // noUncheckedSideEffectImports (TypeScript 6's default) without an app-wide `declare module '*.css'`.
        this.emitFile({ type: 'asset', fileName: 'styles.css.d.ts', source: 'export {};\n' });
      },
    },
  ],
  build: {
    target: 'es2022',
    sourcemap: true,
    minify: false,
    emptyOutDir: true,
    lib: { entry, formats: ['es'] },
    rolldownOptions: {
      external,
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        banner: (chunk) => (chunk.isEntry ? (BANNERS[chunk.name] ?? '') : ''),
      },
    },
  },
});
