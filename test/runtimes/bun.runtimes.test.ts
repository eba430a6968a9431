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

describe('Bun', () => {
  let runtime: RuntimeProcess;
  beforeAll(async () => {
    runtime = await startRuntime(runtimes.bun, [fixture('bun.ts')]);
  });
  afterAll(() => runtime?.stop());

  it('serves tokens from Bun.serve({ fetch }), with credentials from the environment', async () => {
    await expectServesTokens(over(runtime.ports[0]!));
  });

  it('reads a single-valued header sent twice as both lines joined (docs/runtimes.md)', async () => {
    await expectHeaderSentTwiceReads(runtime.ports[0]!, 'both lines joined');
  });

  it('signs with node:crypto (the bun condition of #signJwt)', () => {
    expect(runtime.signer).toMatch(/\/dist\/server\/platform\/signJwt\.node\.js$/);
  });

  it('keeps the connection after refusing a body too large, and reads the rest (docs/runtimes.md)', async () => {
    const port = runtime.ports[0]!;
    expect([await afterARefusedBody(port, 'Content-Length'), await afterARefusedBody(port, 'chunked')]).toEqual([
      'kept, the rest read',
      'kept, the rest read',
    ]);
  });
});
