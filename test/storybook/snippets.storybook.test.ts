import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The snippets the stories render and show (`stories/snippets/`) are what a reader copies: they
 * may import only the package's public entries and React. (The typecheck stage compiles them
 * against the public entry, `livekit-custom-token-react` → `src/index.ts`.)
 */
const snippetsDir = fileURLToPath(new URL('../../stories/snippets/', import.meta.url));
const ALLOWED = new Set(['livekit-custom-token-react', 'livekit-custom-token-react/styles.css', 'react']);

const snippets = readdirSync(snippetsDir).filter((file) => file.endsWith('.tsx'));

describe('the stories’ snippets', () => {
  it('exist', () => {
    expect(snippets.length).toBeGreaterThan(5);
  });

  it.each(snippets)('%s imports only the package and React', (file) => {
    const source = readFileSync(`${snippetsDir}${file}`, 'utf8');
    const imported = [...source.matchAll(/^import\s+(?:[\s\S]*?\s+from\s+)?'([^']+)';/gm)].map(([, specifier]) => specifier);
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.filter((specifier) => !ALLOWED.has(specifier!))).toEqual([]);
  });
});
