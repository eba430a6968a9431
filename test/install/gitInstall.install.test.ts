import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; peerDependencies: Record<string, string> };

/** The version of a package this checkout has installed, so the scratch app's peers come from the npm cache. */
const installedVersion = (name: string) =>
  (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * What the README's Install section tells a user to run until the package is published: an app
 * installs it from the git repository (here `git+file://` of this checkout's committed HEAD), npm
 * clones it, installs its dev dependencies and runs its `prepare` script, which builds `dist/`.
 */
describe('installing the package from git into a new app', () => {
  let app: string;
  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'lkctr-git-install-'));
    const peers = Object.fromEntries(Object.keys(manifest.peerDependencies).map((name) => [name, installedVersion(name)]));
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'scratch-app', private: true, type: 'module', dependencies: peers }, null, 2),
    );
    // --prefer-offline: the peers and the package's dev dependencies come from the npm cache `npm ci` filled.
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `git+${pathToFileURL(root).href}`], {
      cwd: app,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, npm_config_loglevel: 'error' },
    });
  });
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  /** Runs an ES module inside the app, as the app's own code would, and returns what it prints. */
  const runInApp = (code: string) => execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: app, encoding: 'utf8' });

  it('builds dist/ with the prepare script, so both entries and their types are there', () => {
    const installed = join(app, 'node_modules', manifest.name);
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/server/index.js', 'dist/server/index.d.ts', 'dist/styles.css']) {
      expect(() => readFileSync(join(installed, file)), file).not.toThrow();
    }
  });

  it('imports the server entry and mints a token with it', async () => {
    const output = runInApp(`
      import { createTokenHandler } from '${manifest.name}/server';
      const handler = createTokenHandler({ apiKey: 'devkey', apiSecret: 'a-secret-of-at-least-32-characters!!', serverUrl: 'ws://127.0.0.1:7880', authorize: () => ({ identity: 'ada' }) });
      const response = await handler(new Request('http://app.test/api/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"room_name":"standup"}' }));
      const body = await response.json();
      console.log(JSON.stringify({ status: response.status, hasToken: typeof body.participant_token === 'string' }));
    `);
    expect(JSON.parse(output)).toEqual({ status: 201, hasToken: true });
  });

  it('imports the client entry: the hooks, the provider and a token source that is a livekit-client TokenSourceConfigurable', () => {
    const output = runInApp(`
      import { TokenSourceConfigurable } from 'livekit-client';
      import * as client from '${manifest.name}';
      const source = client.createCustomTokenSource(async () => { throw new Error('not called'); });
      console.log(JSON.stringify({
        hooks: ['useCustomTokenSource', 'useTokenStatus', 'useSessionState', 'useCameraTracks', 'useAgentStatus'].every((name) => typeof client[name] === 'function'),
        provider: typeof client.CustomTokenSessionProvider,
        configurable: source instanceof TokenSourceConfigurable,
      }));
    `);
    expect(JSON.parse(output)).toEqual({ hooks: true, provider: 'function', configurable: true });
  });
});
