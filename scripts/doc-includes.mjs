#!/usr/bin/env node
/**
 * Keeps code blocks in `docs/*.md` equal to the tested files they show. A block written as
 *
 *   <!-- include: test/interop/go/endpoint/main.go -->
 *   ```go
 *   …
 *   ```
 *
 * holds that file's text exactly. `npm test` fails when one has drifted (`test/interop/docIncludes.test.ts`);
 * `node scripts/doc-includes.mjs write` rewrites every block from its file.
 *
 * Importable too: `staleIncludes()`, `writeIncludes()`.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const docsDir = join(root, 'docs');
const INCLUDE = /<!-- include: (\S+) -->\n```(\w*)\n([\s\S]*?)```/g;

function docs() {
  return readdirSync(docsDir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(docsDir, name));
}

function withIncludes(text) {
  return text.replace(INCLUDE, (_, path, language) => {
    const source = readFileSync(join(root, path), 'utf8');
    return `<!-- include: ${path} -->\n\`\`\`${language}\n${source.endsWith('\n') ? source : `${source}\n`}\`\`\``;
  });
}

/** `docs/…` files, with the included paths, whose blocks differ from the files they include. */
export function staleIncludes() {
  const stale = [];
  for (const doc of docs()) {
    const text = readFileSync(doc, 'utf8');
    const paths = [...text.matchAll(INCLUDE)].map((match) => match[1]);
    if (paths.length > 0 && withIncludes(text) !== text) stale.push({ doc: doc.slice(root.length + 1), paths });
  }
  return stale;
}

/** Rewrites every include block from its file; returns the docs it changed. */
export function writeIncludes() {
  const changed = [];
  for (const doc of docs()) {
    const text = readFileSync(doc, 'utf8');
    const next = withIncludes(text);
    if (next !== text) {
      writeFileSync(doc, next);
      changed.push(doc.slice(root.length + 1));
    }
  }
  return changed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'write') {
    const changed = writeIncludes();
    console.log(changed.length ? `updated ${changed.join(', ')}` : 'every include is up to date');
  } else {
    const stale = staleIncludes();
    for (const { doc, paths } of stale)
      console.error(`${doc}: a block differs from ${paths.join(', ')} — node scripts/doc-includes.mjs write`);
    process.exit(stale.length ? 1 : 0);
  }
}
