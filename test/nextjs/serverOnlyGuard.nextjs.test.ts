import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject, test } from 'vitest';
import { nextBuild } from './harness/next';

const fixture = fileURLToPath(new URL('./fixtures/server-in-client/', import.meta.url));
const NEXT_BUILD_TEST_TIMEOUT_MS = 11 * 60_000;

test(
  'next build fails, saying why, when a client component imports livekit-custom-token-react/server',
  async () => {
    const exampleDir = inject('exampleDir');
    // Built inside the example so that the packed package in its node_modules is what resolves.
    const copy = join(exampleDir, '.server-in-client');
    rmSync(copy, { recursive: true, force: true });
    cpSync(fixture, copy, { recursive: true });

    const result = await nextBuild(exampleDir, `${inject('logDir')}server-in-client-build.log`, '.server-in-client');

    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain("'server-only' cannot be imported from a Client Component module");
    expect(result.output).toContain('// Server code only: livekit-custom-token-react/server holds your LiveKit API secret.');
    expect(result.output).toMatch(/livekit-custom-token-react\/dist\/server\/browser\.js[^\n]*\n[^\n]*LeakyButton\.tsx/);
  },
  NEXT_BUILD_TEST_TIMEOUT_MS,
);
