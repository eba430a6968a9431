// @vitest-environment node
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { missingServerBinary } from '../../scripts/livekit-server.mjs';
import { skipWithout } from '../helpers/prerequisites';
import { startTestLiveKitServer } from './livekitTestServer';

/**
 * The LiveKit server the tests and `npm start` run (`test/e2e/livekit.yaml`) listens on loopback
 * only: no one on the machine's network reaches it. Read from the kernel's socket tables for the
 * server's own process, every socket it listens on (TCP) or receives on (UDP).
 */
const noServer = skipWithout(missingServerBinary());
let server: Awaited<ReturnType<typeof startTestLiveKitServer>>['server'] | undefined;

beforeAll(async () => {
  if (!noServer) ({ server } = await startTestLiveKitServer('loopback'));
}, 90_000);
afterAll(() => server?.stop(), 30_000);

/** `tcp:127.0.0.1:7880`, `tcp6:[<hex>]:7881`… for each socket of `pid` that listens (TCP) or is unconnected (UDP). */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        return [/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]];
      } catch {
        return []; // closed meanwhile
      }
    }),
  );
  const LISTEN = '0A'; // TCP_LISTEN; an unconnected UDP socket is TCP_CLOSE, '07'
  return ['tcp', 'tcp6', 'udp', 'udp6'].flatMap((table) =>
    readFileSync(`/proc/${pid}/net/${table}`, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((columns) => inodes.has(columns[9]) && columns[3] === (table.startsWith('tcp') ? LISTEN : '07'))
      .map(([, local]) => `${table}:${readAddress(local!)}`),
  );
}

/** `0100007F:1EC8` → `127.0.0.1:7880`; IPv6 as `[::1]` for loopback, else `[<hex>]`. */
function readAddress(hexAddress: string): string {
  const [ip, port] = hexAddress.split(':') as [string, string];
  const host =
    ip.length === 8
      ? ip
          .match(/../g)!
          .reverse()
          .map((byte) => parseInt(byte, 16))
          .join('.')
      : ip === '00000000000000000000000001000000'
        ? '[::1]'
        : `[${ip}]`;
  return `${host}:${parseInt(port, 16)}`;
}

it.skipIf(noServer)('listens on 127.0.0.1 only', () => {
  const addresses = listeningAddresses(server!.process.pid!);
  expect(addresses.length, 'the server listens somewhere').toBeGreaterThan(0);
  expect(addresses.filter((address) => !/:(127\.0\.0\.1|\[::1\]):\d+$/.test(address))).toEqual([]);
});
