import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { serverBinary } from '../../scripts/livekit-server.mjs';

/**
 * The e2e suite's LiveKit server binary, on ports of the benchmark's own (7890–7892), so a
 * benchmark and an e2e run on the same machine never take each other's server. Loopback only.
 */
export const BENCH_LIVEKIT_URL = 'ws://127.0.0.1:7890';
const HEALTH_URL = 'http://127.0.0.1:7890/';

const config = `
port: 7890
bind_addresses: [127.0.0.1]
rtc:
  node_ip: 127.0.0.1
  use_external_ip: false
  enable_loopback_candidate: true
  interfaces: { includes: [lo] }
  udp_port: 7892
  tcp_port: 7891
  stun_servers: ["127.0.0.1:3478"]
keys: { devkey: secret }
logging: { level: warn }
`;

async function healthy(): Promise<boolean> {
  try {
    return (await fetch(HEALTH_URL, { signal: AbortSignal.timeout(1_000) })).status === 200;
  } catch {
    return false;
  }
}

/** Starts the server, resolves once it answers; `stop()` sends SIGTERM twice (the first waits for participants), then SIGKILL. */
export async function startBenchLiveKitServer(logFile: string): Promise<{ stop: () => Promise<void> }> {
  if (await healthy()) throw new Error(`Something already answers on ${HEALTH_URL}: a benchmark still running?`);
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'w');
  const child = spawn(serverBinary(), ['--config-body', config], { stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitExit = (ms: number) =>
    Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
  const stop = async () => {
    for (const [signal, ms] of [
      ['SIGTERM', 1_000],
      ['SIGTERM', 5_000],
      ['SIGKILL', 5_000],
    ] as const) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      if (await waitExit(ms)) return;
    }
  };
  for (const deadline = Date.now() + 15_000; Date.now() < deadline && child.exitCode === null;) {
    if (await healthy()) return { stop };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`The LiveKit server did not answer on ${HEALTH_URL} within 15 s; see ${logFile}`);
}
