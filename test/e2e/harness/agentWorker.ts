import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET, LIVEKIT_WS_URL } from './livekit';

const workerScript = fileURLToPath(new URL('../agent/worker.mjs', import.meta.url));

/** The `@livekit/agents` worker serving `e2e-agent`, in dev mode, logging to `logFile`. */
export interface AgentWorker {
  /** Resolves at the worker's next registration with the server (after a start or a server restart). */
  waitForRegistration(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export function startAgentWorker(logFile: string): AgentWorker {
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(process.execPath, [workerScript, 'dev', '--log-level', 'info'], {
    env: { ...process.env, LIVEKIT_URL: LIVEKIT_WS_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: stop() signals the job processes the worker forked too, which a
    // worker killed before it shut them down would otherwise leave running.
    detached: true,
  });
  let registrations = 0;
  let waiters: (() => void)[] = [];
  const onOutput = (chunk: Buffer) => {
    log.write(chunk);
    if (chunk.toString().includes('registered worker')) {
      registrations++;
      for (const wake of waiters) wake();
      waiters = [];
    }
  };
  child.stdout!.on('data', onOutput);
  child.stderr!.on('data', onOutput);

  return {
    waitForRegistration(timeoutMs) {
      const seen = registrations;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`The agent worker did not register within ${timeoutMs} ms; log: ${logFile}`)),
          timeoutMs,
        );
        const check = () => (registrations > seen ? (clearTimeout(timer), resolve()) : waiters.push(check));
        waiters.push(check);
        child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`The agent worker exited (${code}); log: ${logFile}`))));
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // The group is gone already.
        }
      };
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      // Job processes that outlive the worker's own shutdown.
      signalGroup('SIGKILL');
      log.end();
    },
  };
}
