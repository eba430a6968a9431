import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimes } from '../../scripts/runtimes.mjs';
import { expectServesTokens, fixture, over, startRuntime, type RuntimeProcess } from './harness';

describe('Deno', () => {
  let runtime: RuntimeProcess;
  beforeAll(async () => {
    // Only loopback, the LiveKit variables and the files it loads: what a deployment would grant.
    const permissions = [
      '--allow-net=127.0.0.1',
      '--allow-env=LIVEKIT_API_KEY,LIVEKIT_API_SECRET,LIVEKIT_URL',
      '--allow-read',
      '--no-prompt',
    ];
    runtime = await startRuntime(runtimes.deno, ['run', ...permissions, fixture('deno.ts')]);
  });
  afterAll(() => runtime?.stop());

  it('serves tokens from Deno.serve(handler), with credentials from the environment', async () => {
    await expectServesTokens(over(runtime.ports[0]!));
  });

  it('signs with node:crypto (the deno condition of #signJwt)', () => {
    expect(runtime.signer).toMatch(/\/dist\/server\/platform\/signJwt\.node\.js$/);
  });
});
