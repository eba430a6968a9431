import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimes } from '../../scripts/runtimes.mjs';
import {
  afterARefusedBody,
  expectHeaderSentTwiceReads,
  expectServesTokens,
  fixture,
  over,
  startRuntime,
  type RuntimeProcess,
} from './harness';

describe.each([
  ['Node 20 (this machine)', process.execPath],
  ['Node 24', runtimes.node24],
])('%s', (_name, node) => {
  let runtime: RuntimeProcess;
  beforeAll(async () => {
    runtime = await startRuntime(node, [fixture('node.mjs')]);
  });
  afterAll(() => runtime?.stop());

  it('serves tokens through toNodeHandler, with credentials from the environment', async () => {
    await expectServesTokens(over(runtime.ports[0]!));
  });

  it('serves tokens through Fetch Request and Response objects', async () => {
    await expectServesTokens(over(runtime.ports[1]!));
  });

  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])('reads a single-valued header sent twice as its first line, through %s (docs/runtimes.md)', async (_path, server) => {
    await expectHeaderSentTwiceReads(runtime.ports[server]!, 'the first line');
  });

  it.each([
    ['toNodeHandler', 0],
    ['Fetch Request and Response objects', 1],
  ])('closes the connection after refusing a body too large, through %s (docs/runtimes.md)', async (_path, server) => {
    expect([
      await afterARefusedBody(runtime.ports[server]!, 'Content-Length'),
      await afterARefusedBody(runtime.ports[server]!, 'chunked'),
    ]).toEqual(['closed', 'closed']);
  });

  it('signs with node:crypto (the node condition of #signJwt)', () => {
    expect(runtime.signer).toMatch(/\/dist\/server\/platform\/signJwt\.node\.js$/);
  });
});
