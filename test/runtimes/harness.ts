import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { TokenVerifier } from 'livekit-server-sdk';
import { expect } from 'vitest';

export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** The credentials each runtime is given (through its environment or its env bindings). */
export const credentials = {
  LIVEKIT_API_KEY: 'runtime-key',
  LIVEKIT_API_SECRET: 'runtime-secret-5b0d',
  LIVEKIT_URL: 'wss://runtime.example',
};

/** Sends a request to the handler under test, however the runtime is reached. */
export type Send = (path: string, init?: RequestInit) => Promise<Response>;

export interface RuntimeProcess {
  /** What the fixture printed after `listening on`: its ports, and the `#signJwt` module it resolved. */
  ports: number[];
  signer: string;
  stop: () => Promise<void>;
}

/** Starts a runtime on a fixture and waits for its `listening on <port>[ and <port>] with <signer>` line. */
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
      const match = output.match(/listening on (\d+)(?: and (\d+))? with (\S+)/);
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
    ports: [listening[1], listening[2]].filter((port): port is string => port !== undefined).map(Number),
    signer: listening[3]!,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
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
 * twice); 401 without a caller; 400 for a body that is not JSON; 403 for a room the policy refuses; 400
 * for a room name with a lone surrogate.
 */
export async function expectServesTokens(send: Send): Promise<void> {
  const issued = await send('/api/token', json({ room_name: 'standup', participant_name: 'Alice' }, { Authorization: 'Bearer alice' }));
  expect(issued.status).toBe(201);
  expect(issued.headers.get('cache-control')).toBe('no-store');
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

  const refusals = await Promise.all([
    send('/api/token', json({ room_name: 'standup' })),
    send('/api/token', json('{"room_name":', { Authorization: 'Bearer alice' })),
    send('/api/token', json({ room_name: 'board-meeting' }, { Authorization: 'Bearer alice' })),
    // A lone surrogate, which LiveKit would read as U+FFFD: refused with String.prototype.isWellFormed, which each runtime must have.
    send('/api/token', json('{"room_name":"standup\\ud800"}', { Authorization: 'Bearer alice' })),
  ]);
  const codes = await Promise.all(
    refusals.map(async (response) => [response.status, ((await response.json()) as { error: { code: string } }).error.code]),
  );
  expect(codes).toEqual([
    [401, 'unauthorized'],
    [400, 'invalid_json'],
    [403, 'room_not_allowed'],
    [400, 'invalid_body'],
  ]);
}
