import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { TokenVerifier } from 'livekit-server-sdk';
import { expect } from 'vitest';

export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** The credentials each runtime is given (through its environment or its env bindings). */
export const credentials = {
  LIVEKIT_API_KEY: 'runtime-key',
  LIVEKIT_API_SECRET: 'runtime-secret-5b0d-9f2e7a41c3b8d6e0',
  LIVEKIT_URL: 'wss://runtime.example',
};

/** Sends a request to the handler under test, however the runtime is reached. */
export type Send = (path: string, init?: RequestInit) => Promise<Response>;

export interface RuntimeProcess {
  /** What the fixture printed after `listening on`: its ports (`<port> and <port>…`), and the `#signJwt` module it resolved. */
  ports: number[];
  signer: string;
  /** Everything it has printed so far (the fixture's `onError` prints each error it is passed). */
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts a runtime on a fixture and waits for its `listening on <port>[ and <port>…] with <signer>` line. */
export async function startRuntime(command: string, args: string[], env: Record<string, string> = credentials): Promise<RuntimeProcess> {
  const child = spawn(command, args, {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listening = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start within 30 s:\n${output}`)), 30_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = output.match(/listening on (\d+(?: and \d+)*) with (\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}) before listening:\n${output}`)));
  });
  return {
    ports: listening[1]!.split(' and ').map(Number),
    signer: listening[2]!,
    output: () => output,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Runs `settles.mjs` (the handler in process: a token counted in memory, two bodies that time out)
 * and how long the runtime took to exit after it; fails after 20 s.
 */
export async function runToExit(command: string, args: string[]): Promise<{ output: string; ms: number }> {
  const child = spawn(command, [...args, fixture('settles.mjs')], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let printedAt = 0;
  child.stdout.on('data', (data: Buffer) => {
    output += data.toString();
    if (output.includes('statuses')) printedAt ||= performance.now();
  });
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await new Promise((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { output, ms: performance.now() - printedAt };
}

/** Sends to `http://127.0.0.1:<port>`. */
export const over =
  (port: number): Send =>
  (path, init) =>
    fetch(`http://127.0.0.1:${port}${path}`, init);

/** Bundles a fixture as a deployment tool would, with the runtime's export conditions; the repo's tsconfig paths are not used. */
export async function bundle(entry: string, conditions: string[], format: 'esm' | 'iife'): Promise<string> {
  const result = await build({
    entryPoints: [fixture(entry)],
    bundle: true,
    format,
    platform: 'neutral',
    conditions,
    mainFields: ['browser', 'module', 'main'],
    write: false,
    tsconfigRaw: {},
    logLevel: 'error',
  });
  return result.outputFiles[0]!.text;
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/**
 * The checks every runtime passes: a token for a signed-in caller, verified with
 * livekit-server-sdk's `TokenVerifier` and the runtime's secret (also with a `Content-Type` sent
 * twice, and for a body streamed in chunks split inside a UTF-8 character); 401 without a caller; 400 for a body that is not JSON; 403 for a room the policy refuses; 400
 * for a room name with a lone surrogate or a control character, and for one sent in both spellings with two values; 405 for a GET, with `Allow: POST`. Every answer is JSON with
 * `Cache-Control: no-store`, whichever runtime writes it.
 */
export async function expectServesTokens(send: Send): Promise<void> {
  const issued = await send('/api/token', json({ room_name: 'standup', participant_name: 'Alice' }, { Authorization: 'Bearer alice' }));
  expect(issued.status).toBe(201);
  expect([issued.headers.get('content-type'), issued.headers.get('cache-control')]).toEqual(['application/json', 'no-store']);
  const { server_url, participant_token } = (await issued.json()) as { server_url: string; participant_token: string };
  expect(server_url).toBe(credentials.LIVEKIT_URL);
  const claims = await new TokenVerifier(credentials.LIVEKIT_API_KEY, credentials.LIVEKIT_API_SECRET).verify(participant_token);
  expect(claims).toMatchObject({
    iss: credentials.LIVEKIT_API_KEY,
    sub: 'alice',
    name: 'Alice',
    video: { room: 'standup', roomJoin: true },
  });
  expect(claims.exp! - claims.nbf!).toBe(600);

  // A Content-Type sent twice, as a Fetch client joins it: read as Fetch extracts a MIME type, alike everywhere.
  const twice = await send('/api/token', {
    method: 'POST',
    headers: [
      ['Content-Type', 'application/json'],
      ['Content-Type', 'application/json'],
      ['Authorization', 'Bearer alice'],
    ],
    body: JSON.stringify({ room_name: 'standup' }),
  });
  expect(twice.status).toBe(201);

  // A body streamed in chunks, one ending inside a UTF-8 character (ë): read whole, decoded as one.
  const bytes = new TextEncoder().encode(JSON.stringify({ room_name: 'standup', participant_name: 'Zoë' }));
  const split = bytes.indexOf(0xc3) + 1;
  const streamed = await send('/api/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, split));
        controller.enqueue(bytes.slice(split));
        controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);
  expect(streamed.status).toBe(201);
  const streamedToken = ((await streamed.json()) as { participant_token: string }).participant_token;
  expect((await new TokenVerifier(credentials.LIVEKIT_API_KEY, credentials.LIVEKIT_API_SECRET).verify(streamedToken)).name).toBe('Zoë');

  const refusals = await Promise.all([
    send('/api/token', json({ room_name: 'standup' })),
    send('/api/token', json('{"room_name":', { Authorization: 'Bearer alice' })),
    send('/api/token', json({ room_name: 'board-meeting' }, { Authorization: 'Bearer alice' })),
    // A lone surrogate, which LiveKit would read as U+FFFD: refused with String.prototype.isWellFormed, which each runtime must have.
    send('/api/token', json('{"room_name":"standup\\ud800"}', { Authorization: 'Bearer alice' })),
    // A control character in a name, which LiveKit would join as another room: refused with a Unicode property escape (\p{Cc}).
    send('/api/token', json('{"room_name":"standup\\u0000"}', { Authorization: 'Bearer alice' })),
    // A field in both spellings with two values: neither wins unseen.
    send('/api/token', json({ room_name: 'standup', roomName: 'board-meeting' }, { Authorization: 'Bearer alice' })),
  ]);
  refusals.push(await send('/api/token', { method: 'GET' }));
  // The answer the handler builds, as each runtime writes it: status, code and the handler's headers.
  const answers = await Promise.all(
    refusals.map(async (response) => [
      response.status,
      ((await response.json()) as { error: { code: string } }).error.code,
      response.headers.get('content-type'),
      response.headers.get('cache-control'),
      response.headers.get('allow'),
    ]),
  );
  expect(answers).toEqual([
    [401, 'unauthorized', 'application/json', 'no-store', null],
    [400, 'invalid_json', 'application/json', 'no-store', null],
    [403, 'room_not_allowed', 'application/json', 'no-store', null],
    [400, 'invalid_body', 'application/json', 'no-store', null],
    [400, 'invalid_body', 'application/json', 'no-store', null],
    [400, 'invalid_body', 'application/json', 'no-store', null],
    [405, 'method_not_allowed', 'application/json', 'no-store', 'POST'],
  ]);
}

/** Whether `reply` holds a whole HTTP/1.1 answer: its head, and a body as long as its `Content-Length` or chunks up to the last. */
function isWhole(reply: string): boolean {
  const headEnd = reply.indexOf('\r\n\r\n');
  if (headEnd === -1) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(reply.slice(0, headEnd))?.[1];
  return length === undefined ? reply.endsWith('\r\n0\r\n\r\n') : Buffer.byteLength(reply.slice(headEnd + 4)) >= Number(length);
}

/** What `socket` answers, read until the answer is whole or the connection closes (a reset is a close too); `''` for no answer. */
async function readAnswer(socket: Socket): Promise<string> {
  let reply = '';
  try {
    for await (const chunk of socket) {
      reply += (chunk as Buffer).toString();
      if (isWhole(reply)) break; // leaving the loop destroys the socket
    }
  } catch {
    // A reset: what was read is the answer.
  }
  return reply;
}

/** Sends raw HTTP/1.1 bytes to `127.0.0.1:<port>` (a header line twice, which no Fetch client sends) and reads the answer's status and body. */
async function sendRaw(port: number, headerLines: string[], body: string): Promise<{ status: number; body: string }> {
  const socket = connect(port, '127.0.0.1');
  const head = ['POST /api/token HTTP/1.1', `Host: 127.0.0.1:${port}`, ...headerLines, `Content-Length: ${Buffer.byteLength(body)}`];
  // Written, not ended: a half-closed socket reads as a client gone on some servers (`edge-runtime`'s).
  socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
  const reply = await readAnswer(socket);
  const [, status, rest] = /^HTTP\/1\.1 (\d{3})[^]*?\r\n\r\n([^]*)$/.exec(reply) ?? [];
  if (!status) throw new Error(`not an HTTP/1.1 answer: ${reply.slice(0, 200)}`);
  // The body, de-chunked if need be: the JSON object it holds.
  return { status: Number(status), body: /\{[^]*\}/.exec(rest ?? '')?.[0] ?? '' };
}

/**
 * docs/runtimes.md: a single-valued header sent twice reaches the handler as its first line on
 * Node and Vercel's `edge-runtime`, and as both lines joined on Bun, Deno and workerd. So
 * `Content-Type: text/plain` then `application/json` is 415 on the first and accepted on the
 * others (the reverse order the other way round), and two `Authorization` lines reach
 * `authorize` as the first one, or joined (`Bearer alice, Bearer bob`, which the fixture's
 * `authorize` does not sign in: 401).
 */
export async function expectHeaderSentTwiceReads(port: number, reading: 'the first line' | 'both lines joined'): Promise<void> {
  const room = JSON.stringify({ room_name: 'standup' });
  const types = (first: string, second: string) =>
    sendRaw(port, [`Content-Type: ${first}`, `Content-Type: ${second}`, 'Authorization: Bearer alice'], room);
  const plainThenJson = await types('text/plain', 'application/json');
  const jsonThenPlain = await types('application/json', 'text/plain');
  const twoCallers = await sendRaw(
    port,
    ['Content-Type: application/json', 'Authorization: Bearer alice', 'Authorization: Bearer bob'],
    room,
  );
  const signedIn = async ({ status, body }: { status: number; body: string }) =>
    status === 201
      ? (
          await new TokenVerifier(credentials.LIVEKIT_API_KEY, credentials.LIVEKIT_API_SECRET).verify(
            (JSON.parse(body) as { participant_token: string }).participant_token,
          )
        ).sub
      : status;
  expect({
    'text/plain then application/json': plainThenJson.status,
    'application/json then text/plain': jsonThenPlain.status,
    'Bearer alice then Bearer bob': await signedIn(twoCallers),
  }).toEqual(
    reading === 'the first line'
      ? { 'text/plain then application/json': 415, 'application/json then text/plain': 201, 'Bearer alice then Bearer bob': 'alice' }
      : { 'text/plain then application/json': 201, 'application/json then text/plain': 415, 'Bearer alice then Bearer bob': 401 },
  );
}

/**
 * What a runtime does with the rest of a body the handler refused (over `maxBodyBytes`: 100 000
 * bytes against the default 16 384), sent with a `Content-Length` or chunked, all at once: after
 * the 400 `body_too_large`, a second request is written on the same connection — answered once
 * the server has read the first body to its end, or never, the connection closed.
 */
export async function afterARefusedBody(port: number, framing: 'Content-Length' | 'chunked'): Promise<'closed' | 'kept, the rest read'> {
  const socket = connect(port, '127.0.0.1');
  const head = ['POST /api/token HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Content-Type: application/json', 'Authorization: Bearer alice'];
  const chunk = ' '.repeat(10_000);
  socket.write(
    framing === 'chunked'
      ? `${[...head, 'Transfer-Encoding: chunked'].join('\r\n')}\r\n\r\n${`2710\r\n${chunk}\r\n`.repeat(10)}0\r\n\r\n`
      : `${[...head, 'Content-Length: 100000'].join('\r\n')}\r\n\r\n${chunk.repeat(10)}`,
  );
  const room = JSON.stringify({ room_name: 'standup' });
  let reply = '';
  let secondSent = false;
  try {
    for await (const data of socket) {
      reply += (data as Buffer).toString();
      if (!secondSent && isWhole(reply)) {
        expect(reply).toMatch(/^HTTP\/1\.1 400 [^]*"body_too_large"/);
        secondSent = true;
        reply = '';
        socket.write(`${[...head, `Content-Length: ${room.length}`].join('\r\n')}\r\n\r\n${room}`);
      } else if (secondSent && isWhole(reply)) {
        expect(reply).toMatch(/^HTTP\/1\.1 201 /);
        return 'kept, the rest read';
      }
    }
  } catch {
    // A reset is a close too.
  } finally {
    socket.destroy();
  }
  expect(secondSent).toBe(true);
  return 'closed';
}

const timedBodyTimeoutMs = 500;
const head = (port: number, path: string, framing: string, authorization = 'Bearer alice') =>
  `${['POST ' + path + ' HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Content-Type: application/json', `Authorization: ${authorization}`, framing].join('\r\n')}\r\n\r\n`;

/** Writes `head`, then each of `dribble` 100 ms apart; the answer's status line and JSON, and how long it took to arrive whole. */
async function answerWhileDribbling(port: number, head: string, dribble: string[]): Promise<{ status: string; code: string; ms: number }> {
  const socket = connect(port, '127.0.0.1');
  const started = performance.now();
  socket.write(head);
  const timers = dribble.map((bytes, index) => setTimeout(() => socket.write(bytes), (index + 1) * 100));
  const reply = await readAnswer(socket);
  timers.forEach(clearTimeout);
  socket.destroy();
  return {
    status: reply.split('\r\n')[0]!,
    code: /"code":"(\w+)"/.exec(reply)?.[1] ?? reply.slice(0, 200),
    ms: performance.now() - started,
  };
}

/**
 * "The body … timed" (README, `bodyTimeoutMs`), with the timed handler's 500 ms: a body dribbled a
 * byte every 100 ms (it would take 3 s), and one that never comes after the headers, each with a
 * `Content-Length` and chunked, is answered 408 `request_timeout` about 500 ms after the headers.
 */
export async function expectBodyTimed(port: number, path = '/timed'): Promise<void> {
  const room = '{"room_name":"standup"}       ';
  const contentLength = head(port, path, `Content-Length: ${room.length}`);
  const chunked = head(port, path, 'Transfer-Encoding: chunked');
  const answers = await Promise.all([
    answerWhileDribbling(port, contentLength, [...room]),
    answerWhileDribbling(
      port,
      chunked,
      [...room].map((byte) => `1\r\n${byte}\r\n`),
    ),
    answerWhileDribbling(port, contentLength, []),
    answerWhileDribbling(port, chunked, []),
  ]);
  for (const { status, code, ms } of answers) {
    expect([status, code]).toEqual(['HTTP/1.1 408 Request Timeout', 'request_timeout']);
    expect(ms).toBeGreaterThanOrEqual(timedBodyTimeoutMs - 20);
    expect(ms).toBeLessThan(timedBodyTimeoutMs + 700);
  }
}

/**
 * A client that closes its socket mid-body (`Content-Length` and chunked): the runtime answers the
 * next request with a token, and `onError` (what `output` holds, when the runtime's output is the
 * fixture's) is told nothing, after the body's deadline has passed too.
 */
export async function expectClientGoneMidBody(
  port: number,
  send: Send,
  output?: () => string | Promise<string>,
  path = '/timed',
): Promise<void> {
  const before = await output?.();
  for (const [framing, part] of [
    ['Content-Length: 40', '{"room_'],
    ['Transfer-Encoding: chunked', '7\r\n{"room_\r\n'],
  ] as const) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(head(port, path, framing) + part);
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
  }
  await new Promise((resolve) => setTimeout(resolve, timedBodyTimeoutMs + 200));
  const next = await send(path, json({ room_name: 'standup' }, { Authorization: `Bearer after-gone-${crypto.randomUUID()}` }));
  expect(next.status).toBe(201);
  if (output) expect(await output()).toBe(before);
}

const answerOf = async (response: Response) => {
  const text = await response.text();
  return [
    response.status,
    // A HEAD's answer has no body.
    response.status === 201 ? 'token' : text && (JSON.parse(text) as { error: { code: string } }).error.code,
    response.headers.get('content-type'),
    response.headers.get('cache-control'),
    response.headers.get('allow'),
    response.headers.get('retry-after'),
  ];
};

/**
 * Every refusal README's table lists, answered alike on every runtime (status, code and the
 * handler's headers): a body too large by `Content-Length` and by chunks, no JSON media type,
 * invalid JSON and UTF-8, a schema error, an empty body and a body with a BOM (read as `{}` and
 * as JSON), OPTIONS, HEAD and PUT without CORS; on `timed`: `authorize` throwing (401, its error
 * never in the answer), `authorize` still waiting after `authorizeTimeoutMs` (503, on time), and the memory
 * store's limit (two tokens, then 429 with `Retry-After`).
 */
export async function expectSameAnswers(send: Send, timed: Send): Promise<void> {
  const alice = { Authorization: 'Bearer alice' };
  const chunks = (count: number, size: number) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < count; index += 1) controller.enqueue(new Uint8Array(size).fill(32));
        controller.close();
      },
    });
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"room_name":"standup"}')]);
  const answers = [];
  for (const [path, init] of [
    ['/api/token', json(' '.repeat(20_000), alice)],
    ['/api/token', { ...json('', alice), body: chunks(3, 8_000), duplex: 'half' } as RequestInit],
    ['/api/token', { ...json('{}', alice), headers: { 'Content-Type': 'text/plain', ...alice } }],
    ['/api/token', { method: 'POST', headers: alice, body: new Uint8Array([123, 125]) }],
    ['/api/token', json('{', alice)],
    ['/api/token', { ...json('', alice), body: new Uint8Array([0xff, 0xfe]) }],
    ['/api/token', json('{"room_name":5}', alice)],
    ['/api/token', { ...json('', alice), body: bom }],
    ['/api/token', { method: 'POST', headers: { 'Content-Type': 'application/json', ...alice } }],
    ['/api/token', json('\u00a0', alice)],
    ['/api/token', { method: 'OPTIONS' }],
    ['/api/token', { method: 'HEAD' }],
    ['/api/token', { ...json('{}', alice), method: 'PUT' }],
  ] as const) {
    answers.push(await answerOf(await send(path, init)));
  }
  const thrown = await timed('/timed', json({ room_name: 'standup' }, { Authorization: 'Bearer throw' }));
  expect(await thrown.clone().text()).not.toContain(credentials.LIVEKIT_API_SECRET);
  answers.push(await answerOf(thrown));
  const waitingSince = performance.now();
  answers.push(await answerOf(await timed('/timed', json({ room_name: 'standup' }, { Authorization: 'Bearer wait-60000-stuck' }))));
  // authorizeTimeoutMs (the timed handler's 1 s) is kept on time by every runtime's timers.
  expect(performance.now() - waitingSince).toBeGreaterThanOrEqual(1_000 - 20);
  expect(performance.now() - waitingSince).toBeLessThan(1_000 + 700);
  const caller = { Authorization: `Bearer limited-${crypto.randomUUID()}` };
  for (let request = 0; request < 3; request += 1)
    answers.push(await answerOf(await timed('/timed', json({ room_name: 'standup' }, caller))));
  const refused = (status: number, code: string, allow: string | null = null, retryAfter: string | null = null) => [
    status,
    code,
    'application/json',
    'no-store',
    allow,
    retryAfter,
  ];
  expect(answers).toEqual([
    refused(400, 'body_too_large'),
    refused(400, 'body_too_large'),
    refused(415, 'unsupported_media_type'),
    refused(415, 'unsupported_media_type'),
    refused(400, 'invalid_json'),
    refused(400, 'invalid_json'),
    refused(400, 'invalid_body'),
    [201, 'token', 'application/json', 'no-store', null, null],
    refused(403, 'room_not_allowed'),
    refused(400, 'invalid_json'),
    refused(405, 'method_not_allowed', 'POST'),
    refused(405, '', 'POST'),
    refused(405, 'method_not_allowed', 'POST'),
    refused(401, 'unauthorized'),
    refused(503, 'authorize_timeout', null, '2'),
    [201, 'token', 'application/json', 'no-store', null, null],
    [201, 'token', 'application/json', 'no-store', null, null],
    refused(429, 'rate_limited', null, '60'),
  ]);
}

/**
 * A body sent with `Content-Encoding: gzip` — compressed JSON, plain JSON labelled gzip, the start of
 * a bomb — is 415 `unsupported_media_type` with `Accept-Encoding: identity`, its body never
 * inflated (docs/server-security.md), whatever the runtime hands the handler; the same body
 * uncompressed then gets its token.
 */
export async function expectEncodedBodyRefused(send: Send): Promise<void> {
  const body = JSON.stringify({ room_name: 'standup' });
  const headers = { 'Content-Type': 'application/json', Authorization: 'Bearer alice' };
  const bomb = gzipSync(new Uint8Array(16 * 1024 * 1024).fill(32), { level: 9 });
  const answers = [];
  for (const sent of [gzipSync(body), new TextEncoder().encode(body), bomb]) {
    const response = await send('/api/token', { method: 'POST', headers: { ...headers, 'Content-Encoding': 'gzip' }, body: sent });
    const { error } = (await response.json()) as { error?: { code: string } };
    answers.push([response.status, error?.code ?? 'token', response.headers.get('accept-encoding')]);
  }
  expect(answers).toEqual(Array(3).fill([415, 'unsupported_media_type', 'identity']));
  expect((await send('/api/token', { method: 'POST', headers, body })).status).toBe(201);
}

/**
 * A caller that goes away while a slow `authorize` runs (its socket closed once the handler says
 * `authorize` is waiting, within its 800 ms): whether its token was counted against the memory
 * store's limit of two — told by two more requests of the same caller once that `authorize` has
 * settled, aborted or not (201 twice, or a 429). `progressAt` sends to the fixture's `/progress`
 * (its `byPath`) in the process that serves `port`.
 */
export async function callerGoneDuringAuthorize(port: number, send: Send, progressAt: Send = send): Promise<'counted nothing' | 'counted'> {
  const identity = `gone-${crypto.randomUUID()}`;
  const progress = async () => (await (await progressAt(`/progress?identity=${identity}`)).json()) as string[];
  const body = '{"room_name":"standup"}';
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(head(port, '/timed', `Content-Length: ${body.length}`, `Bearer wait-800-${identity}`) + body);
  await expect.poll(progress, { timeout: 5_000 }).toEqual(['authorizing']);
  socket.destroy();
  // At once where the runtime aborts request.signal, after the 800 ms where it does not.
  await expect.poll(progress, { timeout: 5_000 }).toHaveLength(2);
  const again = () => send('/timed', json(body, { Authorization: `Bearer wait-0-${identity}` })).then((response) => response.status);
  const statuses = [await again(), await again()];
  expect([
    [201, 201],
    [201, 429],
  ]).toContainEqual(statuses);
  return statuses[1] === 201 ? 'counted nothing' : 'counted';
}

/**
 * What a runtime does with the rest of a body that timed out (the timed handler's 500 ms), sent
 * with a `Content-Length` or chunked: after the 408 `request_timeout`, the rest of the body and a
 * second request are written on the same connection — answered once the server has read the
 * first body to its end, or never, the connection closed.
 */
export async function afterATimedOutBody(port: number, framing: 'Content-Length' | 'chunked'): Promise<'closed' | 'kept, the rest read'> {
  const room = JSON.stringify({ room_name: 'standup' });
  const socket = connect(port, '127.0.0.1');
  socket.write(head(port, '/timed', framing === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${room.length}`));
  let reply = '';
  let secondSent = false;
  try {
    for await (const data of socket) {
      reply += (data as Buffer).toString();
      if (!secondSent && isWhole(reply)) {
        expect(reply).toMatch(/^HTTP\/1\.1 408 [^]*"request_timeout"/);
        secondSent = true;
        reply = '';
        const rest = framing === 'chunked' ? `${room.length.toString(16)}\r\n${room}\r\n0\r\n\r\n` : room;
        socket.write(rest + head(port, '/timed', `Content-Length: ${room.length}`, `Bearer kept-${crypto.randomUUID()}`) + room);
      } else if (secondSent && isWhole(reply)) {
        expect(reply).toMatch(/^HTTP\/1\.1 201 /);
        return 'kept, the rest read';
      }
    }
  } catch {
    // A reset is a close too.
  } finally {
    socket.destroy();
  }
  expect(secondSent).toBe(true);
  return 'closed';
}

/**
 * README's `cors` row, answered alike on every runtime by the handler at `/cors` (the page at
 * `https://app.example` may read its answers, with its cookies): that page's preflight is allowed,
 * with the methods, the headers it asked for and the max age; a preflight from another origin, or
 * with none, gets nothing that allows it. The page's `POST`s are answered with its origin,
 * credentials and `Retry-After` exposed — a token, a 401, a 405 naming `OPTIONS` and a 429 alike —
 * another origin's with none of that; every answer says `Vary: Origin`, and only a preflight goes
 * without `Cache-Control: no-store` and a JSON body.
 */
export async function expectCorsAnswers(send: Send): Promise<void> {
  const page = { Origin: 'https://app.example' };
  const caller = { ...page, Authorization: `Bearer cors-${crypto.randomUUID()}` };
  const preflight = (origin: Record<string, string>) =>
    send('/cors', {
      method: 'OPTIONS',
      headers: { ...origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
  const answers = [];
  for (const response of [
    await preflight(page),
    await preflight({ Origin: 'https://evil.example' }),
    await preflight({}),
    await send('/cors', json({ room_name: 'standup' }, caller)),
    await send('/cors', json({ room_name: 'standup' }, caller)),
    await send(
      '/cors',
      json({ room_name: 'standup' }, { Origin: 'https://evil.example', Authorization: `Bearer cors-${crypto.randomUUID()}` }),
    ),
    await send('/cors', json({ room_name: 'standup' }, page)),
    await send('/cors', { method: 'PUT', headers: page }),
  ]) {
    const text = await response.text();
    answers.push([
      response.status,
      response.status === 201 ? 'token' : text && (JSON.parse(text) as { error: { code: string } }).error.code,
      ...[
        'access-control-allow-origin',
        'access-control-allow-credentials',
        'access-control-allow-methods',
        'access-control-allow-headers',
        'access-control-max-age',
        'access-control-expose-headers',
        'vary',
        'allow',
        'retry-after',
        'cache-control',
      ].map((name) => response.headers.get(name)),
    ]);
  }
  const allowed = ['https://app.example', 'true'];
  const preflightAllowed = ['POST, OPTIONS', 'authorization,content-type', '600'];
  const none = [null, null];
  expect(answers).toEqual([
    [204, '', ...allowed, ...preflightAllowed, null, 'Origin', null, null, null],
    [204, '', ...none, null, null, null, null, 'Origin', null, null, null],
    [204, '', ...none, null, null, null, null, 'Origin', null, null, null],
    [201, 'token', ...allowed, null, null, null, 'Retry-After', 'Origin', null, null, 'no-store'],
    [429, 'rate_limited', ...allowed, null, null, null, 'Retry-After', 'Origin', null, '60', 'no-store'],
    [201, 'token', ...none, null, null, null, null, 'Origin', null, null, 'no-store'],
    [401, 'unauthorized', ...allowed, null, null, null, 'Retry-After', 'Origin', null, null, 'no-store'],
    [405, 'method_not_allowed', ...allowed, null, null, null, 'Retry-After', 'Origin', 'POST, OPTIONS', null, 'no-store'],
  ]);
}

/**
 * The memory store's limit (the timed handler's two tokens a minute) held under a burst: 30
 * requests of one caller at once get exactly two tokens and 28 × 429 `rate_limited`, whichever
 * runtime interleaves them.
 */
export async function expectLimitHeldUnderBurst(timed: Send): Promise<void> {
  const caller = { Authorization: `Bearer burst-${crypto.randomUUID()}` };
  const answers = await Promise.all(
    Array.from({ length: 30 }, async () => {
      const response = await timed('/timed', json({ room_name: 'standup' }, caller));
      return response.status === 201 ? 'token' : ((await response.json()) as { error: { code: string } }).error.code;
    }),
  );
  expect(answers.filter((answer) => answer === 'token')).toHaveLength(2);
  expect(answers.filter((answer) => answer === 'rate_limited')).toHaveLength(28);
}

/**
 * What a client whose body stops after its first bytes gets from `127.0.0.1:<port>`, and when:
 * the handler's answer (status line and code), or the connection closed with no answer.
 */
export async function answerToAStalledBody(port: number): Promise<{ answer: string; ms: number }> {
  const socket = connect(port, '127.0.0.1');
  const started = performance.now();
  socket.write(head(port, '/', 'Content-Length: 30') + '{"room');
  const reply = await readAnswer(socket);
  socket.destroy();
  const answer = reply ? `${reply.split('\r\n')[0]!} ${/"code":"(\w+)"/.exec(reply)?.[1] ?? ''}` : 'closed, no answer';
  return { answer, ms: performance.now() - started };
}

/**
 * The status each runtime answers a token request with when one header (`X-Padding`) is 17 000,
 * 100 000 and 200 000 bytes long: the handler's (201) where the server hands such a request over,
 * the server's own (431 or 400, no JSON) where it refuses it first.
 */
export async function statusesForLongHeaders(port: number): Promise<number[]> {
  const statuses = [];
  for (const length of [17_000, 100_000, 200_000]) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    const body = JSON.stringify({ room_name: 'standup' });
    socket.write(head(port, '/api/token', `Content-Length: ${body.length}\r\nX-Padding: ${'a'.repeat(length)}`) + body);
    const reply = await readAnswer(socket);
    socket.destroy();
    statuses.push(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0));
  }
  return statuses;
}

/**
 * A window of the memory store ends on time (the handler at `/window`: one token a second): a
 * token, a 429 with `Retry-After: 1`, and once the second is over a token again — also on workerd,
 * which never runs the timer the store sets to forget an ended window (no timer runs there after
 * its request was answered): the store reopens a window it finds ended.
 */
export async function expectWindowEnds(window: Send): Promise<void> {
  const caller = { Authorization: `Bearer window-${crypto.randomUUID()}` };
  const answers = [];
  for (const waitMs of [0, 0, 1_100]) {
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    const response = await window('/window', json({ room_name: 'standup' }, caller));
    answers.push([response.status, response.headers.get('retry-after')]);
  }
  expect(answers).toEqual([
    [201, null],
    [429, '1'],
    [201, null],
  ]);
}

/** What the fixture's `onError` has been told in the process (or isolate) `send` reaches, oldest first (`GET /reported`). */
export async function reportedErrors(send: Send): Promise<string[]> {
  return (await (await send('/reported')).json()) as string[];
}

/** How many of `messages` match `pattern`. */
const matching = (messages: string[], pattern: RegExp) => messages.filter((message) => pattern.test(message)).length;

/**
 * `onError` (README's `logging` row) is told, once per request, on every runtime: the error a
 * throwing `authorize` threw (the answer a bare 401), and the `authorize_timeout` of an `authorize`
 * still waiting after `authorizeTimeoutMs`. `reported` reaches the same process or isolate as `timed`.
 */
export async function expectOnErrorTold(timed: Send, reported: Send): Promise<void> {
  const thrown = /^authorize failed near /;
  const timedOut = /^authorize\(\) did not settle within 1000 ms \(authorizeTimeoutMs\); try again shortly\.$/;
  const before = await reportedErrors(reported);
  const statuses = [
    (await timed('/timed', json({ room_name: 'standup' }, { Authorization: 'Bearer throw' }))).status,
    (await timed('/timed', json({ room_name: 'standup' }, { Authorization: `Bearer wait-60000-told-${crypto.randomUUID()}` }))).status,
  ];
  expect(statuses).toEqual([401, 503]);
  const after = await reportedErrors(reported);
  expect({
    thrown: matching(after, thrown) - matching(before, thrown),
    'timed out': matching(after, timedOut) - matching(before, timedOut),
  }).toEqual({ thrown: 1, 'timed out': 1 });
}

/** The env bindings the fixture's `/bound` passes the handler (tokenHandler.js' `boundCredentials`). */
const bound = { LIVEKIT_API_KEY: 'bound-key', LIVEKIT_API_SECRET: 'bound-secret-7c1e', LIVEKIT_URL: 'wss://bound.example' };

/**
 * docs/runtimes.md's Credentials, on every runtime: env bindings passed as the handler's second
 * argument (what a Worker gets) are read per request and win over the process environment — the
 * token is signed with the bound key and secret, for the bound URL; a bound `LIVEKIT_URL` that
 * holds the secret (no `.` or `:`) is 500 `internal_error`, no token, and `onError` names the
 * variable without the value, which neither the answer nor anything `onError` was told shows.
 */
export async function expectBindingsPerRequest(send: Send, reported: Send): Promise<void> {
  const alice = { Authorization: 'Bearer alice' };
  const issued = await send('/bound', json({ room_name: 'standup' }, alice));
  expect(issued.status).toBe(201);
  const { server_url, participant_token } = (await issued.json()) as { server_url: string; participant_token: string };
  expect(server_url).toBe(bound.LIVEKIT_URL);
  const claims = await new TokenVerifier(bound.LIVEKIT_API_KEY, bound.LIVEKIT_API_SECRET).verify(participant_token);
  expect(claims).toMatchObject({ iss: bound.LIVEKIT_API_KEY, sub: 'alice', video: { room: 'standup', roomJoin: true } });

  const before = await reportedErrors(reported);
  const malformed = await send('/bound-malformed', json({ room_name: 'standup' }, alice));
  const text = await malformed.text();
  expect([malformed.status, JSON.parse(text), malformed.headers.get('cache-control')]).toEqual([
    500,
    { error: { code: 'internal_error', message: 'The token could not be issued.' } },
    'no-store',
  ]);
  const told = (await reportedErrors(reported)).slice(before.length);
  expect(told).toEqual([
    expect.stringMatching(/^createTokenHandler: LIVEKIT_URL is malformed — .*17 characters with no "\." or ":" \(not shown/),
  ]);
  expect(`${text}${told.join('')}`).not.toContain(bound.LIVEKIT_API_SECRET);
}

/**
 * docs/runtimes.md: a `Request` whose body code before the handler read (`await request.text()`),
 * or holds with a reader, is answered 500 `internal_error` (no token), and `onError` gets the
 * `BodyReadBeforeError` saying to read a `request.clone()` there — on every runtime.
 */
export async function expectBodyReadBeforeRefused(send: Send, reported: Send): Promise<void> {
  const answers = [];
  const before = await reportedErrors(reported);
  for (const path of ['/read-first', '/reader-held']) {
    const response = await send(path, json({ room_name: 'standup' }, { Authorization: 'Bearer alice' }));
    answers.push([response.status, await response.json(), response.headers.get('cache-control')]);
  }
  const internalError = [500, { error: { code: 'internal_error', message: 'The token could not be issued.' } }, 'no-store'];
  expect(answers).toEqual([internalError, internalError]);
  const told = (await reportedErrors(reported)).slice(before.length);
  expect(told).toEqual(Array(2).fill(expect.stringMatching(/^The request body was already read .*read a request\.clone\(\)/)));
}

/**
 * What a runtime answers a request line whose method is in lower case (`post`, which `fetch`
 * never sends: it writes `POST`): the status line and the handler's code where the handler
 * got it, or `closed, no answer`.
 */
export async function answerToALowerCaseMethod(port: number): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  const body = JSON.stringify({ room_name: 'standup' });
  socket.write(head(port, '/api/token', `Content-Length: ${body.length}`).replace(/^POST /, 'post ') + body);
  const reply = await readAnswer(socket);
  socket.destroy();
  return reply ? `${reply.split('\r\n')[0]!}${/"code":"(\w+)"/.exec(reply)?.[1]?.replace(/^/, ' ') ?? ''}` : 'closed, no answer';
}

/**
 * The status line of the answer to a token request (`Bearer alice`, room `standup`) whose `Host`
 * line holds `host`, or an HTTP/1.0 request without one for `null`, on a raw socket; `'closed, no
 * answer'` when the connection closes without one.
 */
export async function answerToAHost(port: number, host: string | null): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  const body = JSON.stringify({ room_name: 'standup' });
  const start = host === null ? 'POST /api/token HTTP/1.0' : `POST /api/token HTTP/1.1\r\nHost: ${host}`;
  const headers = ['Content-Type: application/json', 'Authorization: Bearer alice', `Content-Length: ${body.length}`];
  socket.write(`${[start, ...headers].join('\r\n')}\r\n\r\n${body}`);
  const reply = await readAnswer(socket);
  socket.destroy();
  return reply ? `${reply.split('\r\n')[0]!}${/"code":"(\w+)"/.exec(reply)?.[1]?.replace(/^/, ' ') ?? ''}` : 'closed, no answer';
}

/**
 * A gzip body sent as `Transfer-Encoding: gzip, chunked` on a raw socket: the answer's status line
 * and code. Node's parser, Deno and Vercel's `edge-runtime` pass the coding on to the handler as it
 * came, which refuses it (415, docs/server-security.md); Bun (a bare 400) and workerd (a bare 500,
 * "unknown transfer encoding") refuse it themselves, before the handler.
 */
export async function answerToATransferCodedBody(port: number): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  const body = gzipSync(JSON.stringify({ room_name: 'standup' }));
  socket.write(head(port, '/api/token', 'Transfer-Encoding: gzip, chunked') + `${body.byteLength.toString(16)}\r\n`);
  socket.write(body);
  socket.write('\r\n0\r\n\r\n');
  const reply = await readAnswer(socket);
  socket.destroy();
  return reply ? `${reply.split('\r\n')[0]!}${/"code":"(\w+)"/.exec(reply)?.[1]?.replace(/^/, ' ') ?? ''}` : 'closed, no answer';
}

/**
 * README's Credentials, where the runtime serves with no LiveKit variable and no binding: the
 * handler still loads and answers each request 500 `internal_error` (no token, never cached), and
 * `onError` is told which variable is missing.
 */
export async function expectMissingCredentialNamed(send: Send): Promise<void> {
  const before = await reportedErrors(send);
  const response = await send('/api/token', json({ room_name: 'standup' }, { Authorization: 'Bearer alice' }));
  expect([response.status, await response.json(), response.headers.get('cache-control')]).toEqual([
    500,
    { error: { code: 'internal_error', message: 'The token could not be issued.' } },
    'no-store',
  ]);
  expect((await reportedErrors(send)).slice(before.length)).toEqual([
    'createTokenHandler: no LiveKit apiKey — pass `apiKey` or set the LIVEKIT_API_KEY environment variable (or env binding).',
  ]);
}

/**
 * `onError`'s default (`console.error` with the method and path of the request, so that an
 * internal failure is never silent) for requests whose `Host` the runtime makes no URL of: each of
 * `hosts` is a `Host` line's value, `null` an HTTP/1.0 request without one. At `/logged`
 * `authorize` throws: each is answered 401 `unauthorized`, and each adds the default's line, with
 * the path and the error, to what the runtime printed.
 */
export async function expectDefaultOnErrorLogs(port: number, hosts: (string | null)[], output: () => string): Promise<void> {
  const logged = () => output().match(/\[livekit-custom-token-react\/server\] POST \/logged failed:[^]*?session store down/g)?.length ?? 0;
  const before = logged();
  const body = JSON.stringify({ room_name: 'standup' });
  for (const host of hosts) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    const head = [host === null ? 'POST /logged HTTP/1.0' : `POST /logged HTTP/1.1\r\nHost: ${host}`, 'Content-Type: application/json'];
    socket.write(`${[...head, `Content-Length: ${body.length}`].join('\r\n')}\r\n\r\n${body}`);
    const reply = await readAnswer(socket);
    socket.destroy();
    expect([/^HTTP\/1\.[01] (\d{3})/.exec(reply)?.[1], /"code":"(\w+)"/.exec(reply)?.[1]]).toEqual(['401', 'unauthorized']);
  }
  await expect.poll(logged, { timeout: 5_000 }).toBe(before + hosts.length);
}

/** A self-signed certificate for 127.0.0.1, made with openssl in a folder of its own: the paths of its key and certificate, and the certificate. */
export function selfSignedCertificate(): { key: string; cert: string; pem: string; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'lkctr-tls-'));
  const [key, cert] = [join(folder, 'key.pem'), join(folder, 'cert.pem')];
  const request = 'req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1'.split(' ');
  const made = spawnSync('openssl', [...request, '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.error?.message ?? made.stderr}`);
  return { key, cert, pem: readFileSync(cert, 'utf8'), remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/**
 * docs/runtimes.md: `request.url` is the URL the request was sent to, on every runtime — over TLS
 * too. The same-origin handler on node:https at each of `ports` (its `authorize` signs the caller
 * in only when the page's `Origin` is the origin of `request.url`), posted to as a page on its own
 * origin does: a token for `alice`.
 */
export async function expectSameOriginOverTls(ports: number[], ca: string): Promise<void> {
  const subjects = [];
  for (const port of ports) {
    const origin = `https://127.0.0.1:${port}`;
    const body = JSON.stringify({ room_name: 'standup' });
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = httpsRequest(
        `${origin}/api/token`,
        { method: 'POST', ca, headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice', Origin: origin } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
    subjects.push(
      status === 201
        ? (
            await new TokenVerifier(credentials.LIVEKIT_API_KEY, credentials.LIVEKIT_API_SECRET).verify(
              (JSON.parse(text) as { participant_token: string }).participant_token,
            )
          ).sub
        : `${status} ${text}`,
    );
  }
  expect(subjects).toEqual(ports.map(() => 'alice'));
}

/** A port free on 127.0.0.1 a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * docs/runtimes.md's sample for `section` (its first `js` block), run as pasted in an app that has
 * the package installed, as the README's Install section says (the package in the app's
 * `node_modules`, here a link to this checkout's built package; the app's `package.json` lists
 * it), with an `auth.js` beside it whose `getUser` signs in `Authorization: Bearer <id>`. Only
 * the sample's port 3000 is replaced by a free one. The command is the one its first line gives
 * (`// server.js — <command> server.js`), run with the credentials in the environment; then: a
 * token for `Bearer alice`, verified, and 401 without a caller.
 */
export async function expectDocSampleServes(section: 'Bun' | 'Deno', runtime: string): Promise<void> {
  const docs = readFileSync(join(repositoryRoot, 'docs/runtimes.md'), 'utf8');
  const sample = new RegExp(`\n## ${section}\n\n\`\`\`js\n([^]*?)\`\`\``).exec(docs)?.[1];
  const command = /^\/\/ server\.js — (?:[A-Z_]+=\S* )*(?:bun|deno)( .*)? server\.js$/m.exec(sample ?? '');
  if (!sample || !command) throw new Error(`docs/runtimes.md has no ${section} sample opening with "// server.js — <command> server.js"`);
  const port = await freePort();
  const app = mkdtempSync(join(tmpdir(), `lkctr-${section.toLowerCase()}-sample-`));
  const child = (() => {
    writeFileSync(join(app, 'package.json'), JSON.stringify({ type: 'module', dependencies: { 'livekit-custom-token-react': '*' } }));
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(repositoryRoot, join(app, 'node_modules', 'livekit-custom-token-react'));
    writeFileSync(
      join(app, 'auth.js'),
      "export const getUser = async (request) => {\n  const id = request.headers.get('authorization')?.match(/^Bearer (\\S+)$/)?.[1];\n  return id ? { id } : null;\n};\n",
    );
    writeFileSync(join(app, 'server.js'), sample.replace('port: 3000', `port: ${port}`));
    const args = (command[1] ?? '').trim().split(/\s+/).filter(Boolean);
    return spawn(runtime, [...args, ...(section === 'Deno' ? ['--no-prompt'] : []), 'server.js'], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...credentials },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  })();
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const send = over(port);
    const post = (headers: Record<string, string>) => send('/', json({ room_name: 'standup' }, headers));
    await expect
      .poll(
        () =>
          post({}).then(
            (response) => response.status,
            () => `not answering yet: ${output}`,
          ),
        { timeout: 20_000, interval: 200 },
      )
      .toBe(401);
    const issued = await post({ Authorization: 'Bearer alice' });
    expect(issued.status).toBe(201);
    const { participant_token } = (await issued.json()) as { participant_token: string };
    const claims = await new TokenVerifier(credentials.LIVEKIT_API_KEY, credentials.LIVEKIT_API_SECRET).verify(participant_token);
    expect(claims).toMatchObject({ sub: 'alice', video: { room: 'standup', roomJoin: true } });
  } finally {
    child.kill('SIGKILL');
    await exited;
    rmSync(app, { recursive: true, force: true });
  }
}

/**
 * README's `body size` row, "a false … `Content-Length` does not help", the other way: a
 * `Content-Length` over `maxBodyBytes` (20 000) with a small body, the rest never sent, is
 * refused 400 `body_too_large` at once, from the header — not after `bodyTimeoutMs`, waiting for
 * bytes that never come.
 */
export async function expectContentLengthOverLimitRefusedAtOnce(port: number): Promise<void> {
  const body = JSON.stringify({ room_name: 'standup' });
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  const started = performance.now();
  socket.write(head(port, '/api/token', 'Content-Length: 20000') + body);
  const reply = await readAnswer(socket);
  socket.destroy();
  expect([reply.split('\r\n')[0], /"code":"(\w+)"/.exec(reply)?.[1]]).toEqual(['HTTP/1.1 400 Bad Request', 'body_too_large']);
  expect(performance.now() - started).toBeLessThan(1_000);
}
