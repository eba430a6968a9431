// @vitest-environment node
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = join(root, 'dist');

const IMPORT = /(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** An entry file and every dist file it reaches through relative imports. */
interface Graph {
  files: string[];
  /** Every bare (package) specifier imported anywhere in the graph. */
  packages: Set<string>;
  /** All the graph's code, concatenated. */
  code: string;
}

function graphOf(entry: string): Graph {
  const files: string[] = [];
  const packages = new Set<string>();
  const pending = [join(dist, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = (match[1] ?? match[2])!;
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  }
  return { files, packages, code: files.map((file) => readFileSync(file, 'utf8')).join('\n') };
}

/** Code only: block comments (TSDoc may name server APIs) and whole-line comments removed. */
const withoutComments = (code: string) => code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

beforeAll(() => {
  if (!existsSync(join(dist, 'index.js')) || !existsSync(join(dist, 'server/index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` builds before this stage).');
  }
});

describe('the client bundle (dist/index.js and its chunks)', () => {
  it('imports no livekit-server-sdk, zod or node: module', () => {
    const imported = [...graphOf('index.js').packages].map(packageName);
    expect(imported).not.toContain('livekit-server-sdk');
    expect(imported).not.toContain('zod');
    expect(imported.filter((name) => name.startsWith('node:'))).toEqual([]);
  });

  it('contains no server code and nothing that handles the API secret', () => {
    const code = withoutComments(graphOf('index.js').code);
    for (const serverOnly of [
      'createTokenHandler',
      'toNodeHandler',
      'TokenHandlerError',
      'AccessToken',
      'apiSecret',
      'LIVEKIT_API_SECRET',
      'src/server/',
    ]) {
      expect(code, `client bundle mentions ${serverOnly}`).not.toContain(serverOnly);
    }
  });

  it('does carry the endpoint generator', () => {
    expect(graphOf('index.js').code).toContain('function createEndpointGenerator');
  });
});

describe('the server bundle (dist/server/index.js)', () => {
  it('imports no react and carries no "use client" directive', () => {
    const { packages, code } = graphOf('server/index.js');
    const imported = [...packages].map(packageName);
    expect(imported).not.toContain('react');
    expect(imported).not.toContain('react-dom');
    expect(imported.filter((name) => name.startsWith('@tanstack/') || name.startsWith('@livekit/components'))).toEqual([]);
    expect(code).not.toMatch(/^\s*['"]use client['"]/m);
  });

  it('signs without loading livekit-server-sdk (its import alone is most of a cold start)', () => {
    expect(graphOf('server/index.js').packages).not.toContain('livekit-server-sdk');
  });

  it('loads rate-limiter-flexible only for a handler with limits, and then only its memory module', () => {
    // In a Node of its own: this process may have loaded the library for other tests. Its modules
    // are CommonJS, so Node's require.cache lists each one the handler loaded.
    const script = `
      import { createRequire } from 'node:module';
      const entry = ${JSON.stringify(join(dist, 'server/index.js'))};
      const { createTokenHandler } = await import(entry);
      const loaded = () => Object.keys(createRequire(entry).cache).filter((file) => file.includes('rate-limiter-flexible')).map((file) => file.split('/lib/')[1]);
      const post = (handler) => handler(new Request('http://127.0.0.1/', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }));
      const base = { apiKey: 'devkey', apiSecret: 'secret', serverUrl: 'ws://127.0.0.1:7880', authorize: () => ({ identity: 'alice' }) };
      const withoutLimits = (await post(createTokenHandler(base))).status;
      const loadedWithout = loaded();
      const withLimits = (await post(createTokenHandler({ ...base, limits: { tokens: { limit: 5, windowSeconds: 60 } } }))).status;
      console.log(JSON.stringify({ withoutLimits, loadedWithout, withLimits, loadedWith: loaded() }));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const { withoutLimits, loadedWithout, withLimits, loadedWith } = JSON.parse(run.stdout) as Record<string, unknown>;
    expect({ withoutLimits, withLimits, loadedWithout }).toEqual({ withoutLimits: 201, withLimits: 201, loadedWithout: [] });
    expect(loadedWith).toContain('RateLimiterMemory.js');
    expect(loadedWith).not.toContain('RateLimiterRedis.js');
  });

  it('is what the "./server" export resolves to outside browsers, and runs in Node', async () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
    expect(resolve(root, manifest.exports['./server']!.default!)).toBe(join(dist, 'server/index.js'));
    const server = (await import(pathToFileURL(join(dist, 'server/index.js')).href)) as Record<string, unknown>;
    expect(Object.keys(server).sort()).toEqual(['TokenHandlerError', 'createTokenHandler', 'toNodeHandler']);
  });

  it('comes first for workerd and edge-light, whose bundlers also set the browser condition', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
    const conditions = Object.keys(manifest.exports['./server']!);
    for (const condition of ['workerd', 'edge-light']) {
      expect(conditions.indexOf(condition)).toBeLessThan(conditions.indexOf('browser'));
      expect(resolve(root, manifest.exports['./server']![condition]!)).toBe(join(dist, 'server/index.js'));
    }
  });
});

describe('the "./server" browser condition (dist/server/browser.js)', () => {
  it('is what the "./server" export resolves to in browsers', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
    expect(resolve(root, manifest.exports['./server']!.browser!)).toBe(join(dist, 'server/browser.js'));
  });

  it('throws on import, saying the server entry holds the API secret', async () => {
    await expect(import(pathToFileURL(join(dist, 'server/browser.js')).href)).rejects.toThrow(/must only run on a server/);
  });

  it('links the named imports of a browser bundle (Vite), so that the bundle throws that note, not the bundler a missing export', async () => {
    const { build } = await import('vite');
    const dir = mkdtempSync(join(tmpdir(), 'lkctr-browser-bundle-'));
    try {
      const entry = join(dir, 'entry.js');
      writeFileSync(
        entry,
        "import { createTokenHandler, toNodeHandler, TokenHandlerError } from 'livekit-custom-token-react/server';\nexport default [createTokenHandler, toNodeHandler, TokenHandlerError];\n",
      );
      await build({
        root: dir,
        configFile: false,
        logLevel: 'silent',
        resolve: { alias: { 'livekit-custom-token-react/server': join(dist, 'server/browser.js') } },
        build: { outDir: join(dir, 'out'), lib: { entry, formats: ['es'], fileName: () => 'bundle.js' } },
      });
      await expect(import(pathToFileURL(join(dir, 'out/bundle.js')).href)).rejects.toThrow(/must only run on a server/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
