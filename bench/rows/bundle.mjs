import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Peers of this package and of LiveKit's packages: an app ships them once, whoever imports them. */
const PEERS = [
  'react',
  'react-dom',
  'react/jsx-runtime',
  'livekit-client',
  '@livekit/components-react',
  '@tanstack/react-query',
  '@tanstack/query-core',
  'tslib',
  '@livekit/krisp-noise-filter',
];
const TANSTACK = ['@tanstack/react-query', '@tanstack/query-core'];

/** Minified and gzipped bytes of `contents` bundled for the browser, with `external` left out. */
async function minGzip(contents, external) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external,
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const code = result.outputFiles[0].contents;
  const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length, brotli };
}

const kB = (bytes) => (bytes / 1024).toFixed(1);

/**
 * Row 3: the client entry from `dist/` (what an app installs), minified + gzipped with peers
 * external, beside what an app on LiveKit's React SDK already ships (its baseline).
 */
export async function bundleRow() {
  const entry = `${root}/dist/index.js`;
  if (!existsSync(entry)) throw new Error('No dist/index.js: run npm run build first');
  const subjects = [
    { name: 'ours: whole client entry (`export *`)', contents: `export * from ${JSON.stringify(entry)};`, external: PEERS },
    {
      name: 'ours: `useCustomTokenSource` only (tree-shaken)',
      contents: `export { useCustomTokenSource } from ${JSON.stringify(entry)};`,
      external: PEERS,
    },
    {
      name: 'ours: provider + the five components',
      contents: `export { CustomTokenSessionProvider, ConnectButton, CameraGrid, AgentStatusIndicator, TokenStatusView, ErrorNotice } from ${JSON.stringify(entry)};`,
      external: PEERS,
    },
    {
      name: 'ours: whole client entry with the @tanstack/react-query it uses (an app that does not ship it)',
      contents: `export * from ${JSON.stringify(entry)};`,
      external: PEERS.filter((p) => !TANSTACK.includes(p)),
    },
    { name: 'baseline: livekit-client', contents: `export * from 'livekit-client';`, external: [] },
    {
      name: 'baseline: @livekit/components-react (its peers external)',
      contents: `export * from '@livekit/components-react';`,
      external: PEERS.filter((p) => p !== '@livekit/components-react'),
    },
  ];
  const sizes = [];
  for (const subject of subjects) sizes.push({ ...subject, ...(await minGzip(subject.contents, subject.external)) });
  const ours = sizes[0];
  const withQuery = sizes[3];
  const liveKit = sizes[4].gzip + sizes[5].gzip;
  return {
    id: '3-bundle',
    title: '3. Bundle: client entry minified + gzipped (esbuild, peers external)',
    baseline: 'livekit-client + @livekit/components-react, which every app using this package already ships',
    columns: ['bundle', 'min kB', 'min+gzip kB', 'share of the LiveKit SDKs (gzip)'],
    rows: sizes.map((s) => [s.name, kB(s.min), kB(s.gzip), `${((100 * s.gzip) / liveKit).toFixed(1)} %`]),
    notes: [
      `The whole client entry adds ${((100 * ours.gzip) / liveKit).toFixed(1)} % to the gzipped LiveKit SDK code an app already ships (peers never bundled; size-limit budget in package.json).`,
      `An app that does not already ship @tanstack/react-query pays ${kB(withQuery.gzip - ours.gzip)} kB gzip (${kB(withQuery.brotli - ours.brotli)} kB brotli) more for the parts of it the package uses.`,
    ],
  };
}
