import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
const pkg = readJson('../../package.json');
const oldest = readJson('../peers-oldest/package.json');

describe('peer ranges', () => {
  it.each(['livekit-client', '@livekit/components-react'])(
    '%s starts at the oldest version the unit suite, the typecheck and the e2e connect scenario run against (test/peers-oldest)',
    (name) => {
      expect(pkg.peerDependencies[name]).toBe(`^${oldest.dependencies[name]}`);
    },
  );
});
