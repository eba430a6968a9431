// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * docs/releasing.md's first step, `npx changeset version`, run on a throwaway copy of what it reads
 * and writes (package.json, CHANGELOG.md, .changeset/), committed in a scratch git repository as
 * changesets expects.
 */
describe('cutting a release (npx changeset version, docs/releasing.md)', () => {
  let copy: string;
  let changelog: string;
  /** Every changeset's text, read before `changeset version` consumes them. */
  let changesets: string;
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'lkctr-release-'));
    for (const path of ['package.json', 'CHANGELOG.md', '.changeset', '.prettierrc.json']) {
      if (existsSync(join(root, path))) cpSync(join(root, path), join(copy, path), { recursive: true });
    }
    changesets = readdirSync(join(root, '.changeset'))
      .filter((file) => file.endsWith('.md') && file !== 'README.md')
      .map((file) => readFileSync(join(root, '.changeset', file), 'utf8'))
      .join('\n');
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: copy, stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.name=release', '-c', 'user.email=release@localhost', 'commit', '-qm', 'changesets');
    execFileSync(join(root, 'node_modules/.bin/changeset'), ['version'], { cwd: copy, stdio: 'ignore' });
    changelog = readFileSync(join(copy, 'CHANGELOG.md'), 'utf8');
  }, 60_000);
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('bumps the version and consumes every changeset', () => {
    const { version } = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as { version: string };
    expect(version).not.toBe('0.0.0');
    expect(readdirSync(join(copy, '.changeset')).filter((file) => file.endsWith('.md') && file !== 'README.md')).toEqual([]);
  });

  it('puts the new version right under the title, and leaves nothing below the releases that they made untrue', () => {
    const { version } = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as { version: string };
    const lines = changelog.split('\n').filter((line) => line.trim() !== '');
    expect(lines.slice(0, 2)).toEqual(['# livekit-custom-token-react', `## ${version}`]);
    // changesets writes each new version under the file's first line, so whatever else the file said
    // ends up below every release: the file must end with a release note, as a changeset wrote it.
    const lastNote = lines.at(-1)!.replace(/^\s*(- )?([0-9a-f]{7}: )?(- )?/, '');
    expect(changesets).toContain(lastNote);
  });
});
