import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../scripts/livekit-server.mjs';

/**
 * The LiveKit server of `test/e2e/livekit.yaml` on ports picked at random in 18500–18999 (HTTP
 * `port`, RTC UDP `port + 2`), its log in a folder of its own named after `name`. The run's other
 * server tests listen at random there too: a port taken, it picks again (five tries).
 */
export async function startTestLiveKitServer(name: string): Promise<{ port: number; server: Awaited<ReturnType<typeof startServer>> }> {
  const logFile = join(mkdtempSync(join(tmpdir(), `lkctr-${name}-`)), 'livekit.log');
  for (let attempt = 1; ; attempt++) {
    const port = 18_500 + 3 * Math.floor(Math.random() * 166);
    try {
      return { port, server: await startServer({ logFile, node: { port, rtcUdpPort: port + 2 } }) };
    } catch (error) {
      if (attempt === 5) throw error;
    }
  }
}
