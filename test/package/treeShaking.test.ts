// @vitest-environment node
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const entry = join(root, 'dist/index.js');

/** The peers an app installs beside the package: never bundled here, as in the size-limit budgets. */
const PEERS = [
  'react',
  'react-dom',
  'react/jsx-runtime',
  'livekit-client',
  '@livekit/components-react',
  '@tanstack/react-query',
  '@tanstack/query-core',
];

/** What a bundler keeps of the client entry (`dist/`, as installed) for an app importing only `names`. */
async function bundleOf(names: string): Promise<string> {
  const result = await build({
    stdin: { contents: `export { ${names} } from ${JSON.stringify(entry)};`, resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    external: PEERS,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

beforeAll(() => {
  if (!existsSync(entry)) throw new Error('dist/ is missing: run `npm run build` first (`npm test` builds before this stage).');
});

describe('tree-shaking the client entry ("sideEffects" leaves it out: an import keeps only what it uses)', () => {
  it.each([
    ['useTokenStatus', ['SessionStateContext', 'SessionActionsContext', 'CameraTracksContext', 'AgentStatusContext', 'RoomEvent.']],
    ['useSessionActions', ['SessionStateContext', 'TokenSourceContext', 'CameraTracksContext', 'AgentStatusContext', 'RoomEvent.']],
    ['useCustomTokenSource', ['SessionStateContext', 'SessionActionsContext', 'CameraTracksContext', 'AgentStatusContext', 'RoomEvent.']],
  ])('%s alone keeps no other context and none of the provider’s room constants', async (name, others) => {
    const code = await bundleOf(name);
    expect(others.filter((other) => code.includes(other))).toEqual([]);
  });
});
