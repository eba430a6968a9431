import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Listens on 127.0.0.1:`port`; `undefined` when something else holds it already (busy all the same). */
function hold(port: number): Promise<Server | undefined> {
  const server = createServer();
  return new Promise((done) => {
    server.once('error', () => done(undefined));
    server.listen(port, '127.0.0.1', () => done(server));
  });
}

let held: Server | undefined;
afterEach(() => new Promise<void>((done) => (held ? held.close(() => done()) : done())));

describe('npm start (scripts/start.mjs)', () => {
  it('stops before starting anything when Storybook’s port is taken, naming the port and the way out', async () => {
    held = await hold(6006);
    const start = spawn(process.execPath, ['scripts/start.mjs'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    start.stdout.on('data', (chunk) => (output += chunk));
    start.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((done) => start.once('exit', done));
    // Storybook, when it starts anyway, moves to the next free port and never exits by itself:
    // stop it (and what it started) the way a contributor does, with Ctrl+C.
    const timer = setTimeout(() => start.kill('SIGINT'), 20_000);
    const code = await exited;
    clearTimeout(timer);

    expect(output).toContain('127.0.0.1:6006 is in use');
    expect(output).toContain('npm start -- --port');
    expect(output).not.toContain('LiveKit server:');
    expect(code).toBe(1);
  }, 60_000);
});
