#!/usr/bin/env node
/**
 * npm's `prepare`: builds `dist/` when it is missing. npm runs it after `npm install` / `npm ci` in
 * this repository, before `npm pack` / `npm publish`, and in its own clone when an app installs the
 * package from git (`npm i git+https://…/livekit-custom-token-react.git`): that is what makes a git
 * install work, since `dist/` is not committed. A checkout that already has `dist/` is left as it
 * is (`npm run build` rebuilds; so do `npm test`, and `npm pack` / `npm publish` through `prepack`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = ['dist/index.js', 'dist/index.d.ts', 'dist/server/index.js', 'dist/server/index.d.ts'].every((file) =>
  existsSync(join(root, file)),
);
if (built) process.exit(0);
console.log('livekit-custom-token-react: building dist/ (npm run build)');
const { status } = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
process.exit(status ?? 1);
