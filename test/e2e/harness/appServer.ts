import { readFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { createTokenEndpoint } from './tokenEndpoint';

/** Test-only actions on the real parts, reachable at `POST /__e2e/<name>`. */
export type HarnessControls = Record<string, () => Promise<void>>;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

async function serveStatic(root: string, pathname: string, res: ServerResponse): Promise<void> {
  const file = normalize(join(root, pathname === '/' ? 'index.html' : pathname));
  if (!file.startsWith(root)) return void res.writeHead(403).end();
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
}

/** Serves the built test app and its token endpoint on 127.0.0.1 (a free port). */
export async function startAppServer(appRoot: string, controls: HarnessControls): Promise<{ url: string; close: () => Promise<void> }> {
  const tokenEndpoint = await createTokenEndpoint();
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const { pathname } = url;
    const handle = async () => {
      if (pathname === '/api/token') return tokenEndpoint(url)(req, res);
      const control = pathname.startsWith('/__e2e/') ? controls[pathname.slice('/__e2e/'.length)] : undefined;
      if (control && req.method === 'POST') return void (await control(), res.writeHead(204).end());
      return serveStatic(appRoot, pathname, res);
    };
    handle().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
