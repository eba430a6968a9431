// @vitest-environment node
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every `ts`/`tsx` sample a user may paste: README.md, docs/*.md and the TSDoc `@example`s of src/. */
function samples(): { where: string; code: string }[] {
  const found: { where: string; code: string }[] = [];
  const pages = ['README.md', ...readdirSync(join(root, 'docs')).flatMap((name) => (name.endsWith('.md') ? [`docs/${name}`] : []))];
  for (const page of pages) {
    for (const match of readFileSync(join(root, page), 'utf8').matchAll(/^```tsx?\n([\s\S]*?)^```/gm)) {
      found.push({ where: `${page}, the block at offset ${match.index}`, code: match[1]! });
    }
  }
  for (const file of readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })) {
    if (!/\.tsx?$/.test(file)) continue;
    for (const match of readFileSync(join(root, 'src', file), 'utf8').matchAll(/^\s*\* ```tsx?\n([\s\S]*?)^\s*\* ```/gm)) {
      found.push({ where: `src/${file}, the @example at offset ${match.index}`, code: match[1]!.replace(/^\s*\* ?/gm, '') });
    }
  }
  return found;
}

/** The text of each `fetch(…)` call in `code`, its parentheses balanced. */
function fetchCalls(code: string): string[] {
  const calls: string[] = [];
  for (const match of code.matchAll(/\bfetch\(/g)) {
    let depth = 0;
    for (let index = match.index + 'fetch'.length; index < code.length; index++) {
      depth += code[index] === '(' ? 1 : code[index] === ')' ? -1 : 0;
      if (depth === 0) {
        calls.push(code.slice(match.index, index + 1));
        break;
      }
    }
  }
  return calls;
}

/** The samples that POST a JSON token request with `fetch` themselves: a generator of the app's own. */
const posting = samples().filter(({ code }) =>
  fetchCalls(code).some((call) => call.includes("method: 'POST'") && call.includes('JSON.stringify(')),
);

describe('the samples whose generator POSTs a token request with fetch', () => {
  it('are found (the check below checks something)', () => {
    expect(posting.length).toBeGreaterThanOrEqual(5);
  });

  // A string body goes out as `text/plain;charset=UTF-8`: the package's own createTokenHandler
  // answers 415 (as JSON body parsers skip it), so such a generator never gets a token.
  it.each(posting)('send it as JSON (Content-Type: application/json): $where', ({ code }) => {
    for (const call of fetchCalls(code).filter((text) => text.includes("method: 'POST'"))) {
      expect(call).toMatch(/['"]?content-type['"]?\s*:\s*['"]application\/json['"]/i);
    }
  });

  // An error answer's body is no token: read as one, a 401 comes out as `invalid_response`
  // ("not { serverUrl, participantToken }"), retried by ErrorNotice's "Try again", instead of an
  // `http` error with its status, which the source and the components tell apart.
  it.each(posting)('check the status before reading the body as a token: $where', ({ code }) => {
    expect(code).toMatch(/if \(!\w+\.ok\)[\s\S]*throw /);
  });
});
