import { beforeAll } from 'vitest';

/**
 * In CI and under `npm test` (whose stages run with `LKCTR_NPM_TEST=1`) no test may skip for a
 * missing part: a run whose tests were skipped passes and proves nothing.
 */
const runsEverything = ['true', '1'].includes(process.env.CI ?? '') || process.env.LKCTR_NPM_TEST === '1';

/**
 * The condition for `describe.skipIf` / `it.skipIf` of the tests of a file that need a real part
 * this machine may lack (the LiveKit server, redis-server), given why it is missing (`null`: it is
 * there). Run by hand (`npx vitest`), they are skipped, saying why; in CI and under `npm test`,
 * they run, and the file fails first in a `beforeAll` that names what is missing.
 */
export function skipWithout(missing: string | null): boolean {
  if (missing === null) return false;
  if (runsEverything) {
    beforeAll(() => {
      throw new Error(missing);
    });
    return false;
  }
  console.warn(`!!! SKIPPED (CI and npm test fail here instead): ${missing}`);
  return true;
}
