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

  it('reads a single-valued header sent twice as both lines joined (docs/runtimes.md)', async () => {
    await expectHeaderSentTwiceReads(runtime.ports[0]!, 'both lines joined');
  });

  it('signs with node:crypto (the deno condition of #signJwt)', () => {
    expect(runtime.signer).toMatch(/\/dist\/server\/platform\/signJwt\.node\.js$/);
  });

  it('answers 500 internal_error, with no token, without --allow-env (docs/runtimes.md), rather than crashing or prompting; onError names the variable', async () => {
    const denied = await startRuntime(runtimes.deno, ['run', '--allow-net=127.0.0.1', '--allow-read', '--no-prompt', fixture('deno.ts')]);
    try {
      const response = await over(denied.ports[0]!)('/api/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice' },
        body: '{"room_name":"standup"}',
      });
      expect([response.status, await response.json()]).toEqual([
        500,
        { error: { code: 'internal_error', message: 'The token could not be issued.' } },
      ]);
      // onError names the variable it could not read.
      await expect.poll(denied.output).toMatch(/onError: .*LIVEKIT_API_KEY/);
    } finally {
      await denied.stop();
    }
  });

  it('closes the connection after refusing a body too large with a Content-Length, and reads a chunked one to its end (docs/runtimes.md)', async () => {
    const port = runtime.ports[0]!;
    expect([await afterARefusedBody(port, 'Content-Length'), await afterARefusedBody(port, 'chunked')]).toEqual([
      'closed',
      'kept, the rest read',
    ]);
  });
});
