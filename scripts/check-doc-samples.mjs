#!/usr/bin/env node
/**
 * Typechecks every ```ts and ```tsx block of README.md, docs/*.md and Storybook's Introduction
 * (stories/Introduction.mdx) against the packed package,
 * as an app would compile it: `npm pack` of this checkout (after `npm run build`) is unpacked into
 * `.cache/doc-samples/node_modules/livekit-custom-token-react`, each block becomes a module, and
 * `tsc` checks them all with strict settings (and `exactOptionalPropertyTypes`,
 * `noUncheckedIndexedAccess`, `noPropertyAccessFromIndexSignature`). Errors point at the Markdown file and line.
 *
 * A block whose first line is a path comment (`// app/api/livekit-token/route.ts — …`) is written
 * at that path, so the samples of one page can import each other as the files of an app do. A
 * later block of the same page naming the same path (two variants of one file, such as a route
 * on the Node and on the Edge runtime) is written under `line-<N>/` instead, so it is checked
 * too rather than overwriting the first.
 * Blocks in other languages (sh, text, json) are not TypeScript and are not checked. The TSDoc
 * `@example`s of src/ that import the package are checked the same way.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, '.cache', 'doc-samples');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  // Storybook's first page: its recipes are copied as much as the README's.
  'stories/Introduction.mdx',
];

/**
 * Types the samples use from frameworks this repository does not install (the Next.js example
 * has its own node_modules): their real signatures, nothing more.
 */
const FRAMEWORK_TYPES = `declare module 'next/headers' {
  export function headers(): Promise<Headers>;
  export function cookies(): Promise<{ get(name: string): { name: string; value: string } | undefined }>;
}
`;

if (!existsSync(join(root, 'dist', 'index.d.ts'))) {
  console.error('✗ dist/ is missing: run npm run build first.');
  process.exit(1);
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const packed = JSON.parse(
  execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
)[0];
const installed = join(work, 'node_modules', packed.name);
mkdirSync(installed, { recursive: true });
execFileSync('tar', ['xzf', join(work, packed.filename), '--strip-components=1', '-C', installed]);

/** sample file (relative to `work`) → where its block starts in the docs. */
const origins = new Map();
for (const page of pages) {
  const lines = readFileSync(join(root, page), 'utf8').split('\n');
  for (let index = 0; index < lines.length; index++) {
    const fence = /^(\s*)```(ts|tsx)\s*$/.exec(lines[index]);
    if (!fence) continue;
    const start = index + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end])) end++;
    const code = lines.slice(start, end).map((line) => line.slice(fence[1].length));
    index = end;
    const named = /^\/\/ ([\w@./[\]-]+\.(?:ts|tsx))(?:\s|$)/.exec(code[0] ?? '');
    const pageDir = join('samples', basename(page).replace(/\.mdx?$/, ''));
    let file = join(pageDir, named ? named[1] : `line-${start + 1}.${fence[2]}`);
    if (named && origins.has(file)) file = join(pageDir, `line-${start + 1}`, named[1]);
    mkdirSync(dirname(join(work, file)), { recursive: true });
    writeFileSync(join(work, file), `${code.join('\n')}\nexport {};\n`);
    origins.set(file, { page, line: start + 1 });
  }
}

// The TSDoc `@example`s of src/ that import the package (the public API's; the others show
// internal helpers in a line or two) are checked too: an editor shows them at the point of use.
for (const source of readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })) {
  if (!/\.tsx?$/.test(source) || /\.test\.tsx?$/.test(source)) continue;
  const page = `src/${source}`;
  const lines = readFileSync(join(root, page), 'utf8').split('\n');
  for (let index = 0; index < lines.length; index++) {
    const fence = /^\s*\* ```(ts|tsx)\s*$/.exec(lines[index]);
    if (!fence) continue;
    const start = index + 1;
    let end = start;
    while (end < lines.length && !/^\s*\* ```\s*$/.test(lines[end])) end++;
    const code = lines.slice(start, end).map((line) => line.replace(/^\s*\* ?/, ''));
    index = end;
    if (!code.some((line) => /from 'livekit-custom-token-react(\/server)?'/.test(line))) continue;
    const file = join('samples', 'tsdoc', source.replace(/\.tsx?$/, ''), `line-${start + 1}.${fence[1]}`);
    mkdirSync(dirname(join(work, file)), { recursive: true });
    writeFileSync(join(work, file), `${code.join('\n')}\nexport {};\n`);
    origins.set(file, { page, line: start + 1 });
  }
}

writeFileSync(join(work, 'frameworks.d.ts'), FRAMEWORK_TYPES);
writeFileSync(
  join(work, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      module: 'ESNext',
      moduleResolution: 'Bundler',
      jsx: 'react-jsx',
      // What a careful app turns on beyond strict: a sample must compile there too.
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noPropertyAccessFromIndexSignature: true,
      noEmit: true,
      skipLibCheck: true,
      isolatedModules: true,
      types: ['node'],
    },
    include: ['samples', 'frameworks.d.ts'],
  }),
);

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(work, 'tsconfig.json'), '--pretty', 'false'], { cwd: work, encoding: 'utf8' });
const output = `${result.stdout}${result.stderr}`.trim();
if (result.status === 0) {
  console.log(`✓ ${origins.size} TypeScript samples in ${pages.join(', ')} and the TSDoc of src/ compile against ${packed.filename}`);
  process.exit(0);
}
for (const line of output.split('\n')) {
  const match = /^(samples\/[^(]+)\((\d+),(\d+)\): (.*)$/.exec(line);
  const origin = match && origins.get(match[1]);
  console.error(origin ? `${origin.page}:${origin.line + Number(match[2]) - 1}:${match[3]} ${match[4]}` : line);
}
console.error(`✗ samples that do not compile (the files are in ${relative(root, work)}/samples)`);
process.exit(1);
