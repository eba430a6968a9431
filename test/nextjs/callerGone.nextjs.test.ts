import { cpSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET, LIVEKIT_WS_URL } from '../e2e/harness/livekit';
import { nextBuild, nextStart, type RunningNextApp } from './harness/next';

const fixture = fileURLToPath(new URL('./fixtures/caller-gone/', import.meta.url));
const NEXT_BUILD_TIMEOUT_MS = 11 * 60_000;
const ROUTE = '/api/token';
const BODY = JSON.stringify({ room_name: 'standup' });

let app: RunningNextApp;
beforeAll(async () => {
  const exampleDir = inject('exampleDir');
  // Built inside the example so that the packed package in its node_modules is what resolves.
  const copy = join(exampleDir, '.caller-gone');
  rmSync(copy, { recursive: true, force: true });
  cpSync(fixture, copy, { recursive: true });
  const build = await nextBuild(exampleDir, `${inject('logDir')}caller-gone-build.log`, '.caller-gone');
  if (build.exitCode !== 0)
    throw new Error(`next build of the caller-gone fixture failed (exit ${build.exitCode}):\n${build.output.slice(-4_000)}`);
  app = await nextStart(
    exampleDir,
    `${inject('logDir')}caller-gone-start.log`,
    { LIVEKIT_URL: LIVEKIT_WS_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET },
    { dir: '.caller-gone', readyPath: `${ROUTE}?caller=ready` },
  );
}, NEXT_BUILD_TIMEOUT_MS);
afterAll(() => app?.stop());

const progressOf = async (caller: string) => (await fetch(`${app.url}${ROUTE}?caller=${caller}`)).json() as Promise<string[]>;
const tokenStatus = async (caller: string) =>
  (
    await fetch(`${app.url}${ROUTE}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${caller}`, 'Content-Type': 'application/json' },
      body: BODY,
    })
  ).status;

test('a caller that goes away while authorize runs counts nothing against its limits: Next aborts request.signal (docs/server-security.md, docs/runtimes.md)', async () => {
  const caller = `gone-${crypto.randomUUID()}`;
  const { port } = new URL(app.url);
  // A connection of its own, closed mid-authorize as a closed tab's or a timed-out client's is.
  const socket = connect(Number(port), '127.0.0.1');
  socket.on('error', () => {});
  socket.write(
    [
      `POST ${ROUTE} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      `Authorization: Bearer ${caller}`,
      'X-Hold: 1',
      'Content-Type: application/json',
      `Content-Length: ${BODY.length}`,
      '',
      BODY,
    ].join('\r\n'),
  );
  await expect.poll(() => progressOf(caller)).toEqual(['authorizing']);
  socket.destroy();
  await expect.poll(() => progressOf(caller)).toEqual(['authorizing', 'gone']);
  // authorize settles only now, the caller long gone: its token must not count.
  await fetch(`${app.url}${ROUTE}?caller=${caller}`, { method: 'PUT' });
  await expect.poll(async () => (await progressOf(caller)).length).toBe(3);

  // The limit is two tokens: both are still there.
  const statuses = [await tokenStatus(caller), await tokenStatus(caller)];
  expect({ progress: await progressOf(caller), statuses }).toEqual({
    progress: ['authorizing', 'gone', 'answered 408', 'answered 201', 'answered 201'],
    statuses: [201, 201],
  });
});
