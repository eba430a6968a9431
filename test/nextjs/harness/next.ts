import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

const NEXT_BUILD_TIMEOUT_MS = 10 * 60_000;
const NEXT_START_TIMEOUT_MS = 30_000;

export interface NextBuildResult {
  exitCode: number | null;
  output: string;
  seconds: number;
}

function nextBin(appDir: string): string {
  return join(appDir, 'node_modules/.bin/next');
}

function nextEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

/**
 * `next build [dir]` in `appDir`, its output (stdout and stderr) also written to `logFile`; killed
 * after 10 minutes. Built as CI builds are, with no LiveKit secret in the environment.
 */
export function nextBuild(appDir: string, logFile: string, dir?: string): Promise<NextBuildResult> {
  const started = Date.now();
  const { LIVEKIT_API_KEY: _key, LIVEKIT_API_SECRET: _secret, LIVEKIT_URL: _url, ...env } = nextEnv();
  const child = spawn(nextBin(appDir), ['build', ...(dir ? [dir] : [])], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  let output = '';
  const onOutput = (chunk: Buffer) => {
    output += chunk.toString();
    log.write(chunk);
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const timer = setTimeout(() => child.kill('SIGKILL'), NEXT_BUILD_TIMEOUT_MS);
  return new Promise((resolve) => {
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      log.end();
      resolve({ exitCode, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningNextApp {
  url: string;
  stop(): Promise<void>;
}

/**
 * `next start [dir]` in `appDir` on 127.0.0.1 (a free port) with `env`; resolves once `readyPath`
 * (the example's `/login` unless told) answers 200.
 */
export async function nextStart(
  appDir: string,
  logFile: string,
  env: Record<string, string>,
  { dir, readyPath = '/login' }: { dir?: string; readyPath?: string } = {},
): Promise<RunningNextApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(nextBin(appDir), ['start', ...(dir ? [dir] : []), '-H', '127.0.0.1', '-p', String(port)], {
    cwd: appDir,
    env: nextEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + NEXT_START_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    const ok = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(
    `next start did not answer ${url}${readyPath} within ${NEXT_START_TIMEOUT_MS} ms; log ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2_000)}`,
  );
}
