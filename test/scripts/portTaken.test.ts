import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { missingServerBinary, startServer } from '../../scripts/livekit-server.mjs';
import { skipWithout } from '../helpers/prerequisites';

/**
 * A LiveKit server left running by an earlier run (its test runner killed, say) holds the port
 * the next run's server needs. The next run must say which process that is, so a newcomer can
 * stop it, not only that "something" answers there.
 */
const noServer = skipWithout(missingServerBinary());

describe.skipIf(noServer)('scripts/livekit-server.mjs startServer, its port taken', { timeout: 30_000 }, () => {
  it('names the process that answers there, with how to stop it', async () => {
    // Another program answering 200 on a port of 127.0.0.1, as a leftover LiveKit server does.
    const squatter = spawn(
      process.execPath,
      [
        '-e',
        `require('node:http').createServer((_, res) => res.end('OK')).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const [line]: unknown[] = await once(squatter.stdout, 'data');
      const port = Number(String(line).trim());
      await expect(startServer({ node: { port, rtcUdpPort: port + 2 } })).rejects.toThrow(
        new RegExp(
          `Something already answers on http://127\\.0\\.0\\.1:${port}: process ${squatter.pid} \\(.*node -e .*\\).* \\(kill ${squatter.pid}\\)`,
        ),
      );
    } finally {
      squatter.kill();
    }
  });
});
