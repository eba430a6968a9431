import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `node scripts/test.mjs <names…>`, as docs/contributing.md runs a few stages (`node scripts/test.mjs e2e`). */
function runTestScript(...names: string[]) {
  return spawnSync(process.execPath, ['scripts/test.mjs', ...names], { cwd: root, encoding: 'utf8', timeout: 30_000 });
}

describe('npm test with stage names (scripts/test.mjs)', () => {
  it('fails when a name matches no stage, listing the stages, rather than passing with none run', () => {
    const { status, stdout, stderr } = runTestScript('e2e-typo');
    expect(status, stdout).toBe(2);
    expect(stderr).toContain('No stage matches "e2e-typo"');
    expect(stderr).toContain('e2e (Chromium, LiveKit server, agent)');
    expect(stdout).not.toContain('stages: 0 passed');
  });
});
