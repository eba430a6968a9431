// @vitest-environment node
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTokenHandler, TokenHandlerError, type TokenHandlerConfig } from '../../src/server';
import { handlerConfig } from './handlerConfig';
import { readResponse } from './verify';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The line (1-based) of a text's character at `index`. */
const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Every `ts`/`tsx`/`js` sample a user may paste: README.md, docs/*.md and the TSDoc `@example`s of src/. */
function samples(): { where: string; code: string }[] {
  const found: { where: string; code: string }[] = [];
  const pages = ['README.md', ...readdirSync(join(root, 'docs')).flatMap((name) => (name.endsWith('.md') ? [`docs/${name}`] : []))];
  for (const page of pages) {
    const text = readFileSync(join(root, page), 'utf8');
    for (const match of text.matchAll(/^```(?:tsx?|jsx?)\n([\s\S]*?)^```/gm)) {
      found.push({ where: `${page}:${lineOf(text, match.index)}`, code: match[1]! });
    }
  }
  for (const file of readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })) {
    if (!/\.tsx?$/.test(file)) continue;
    const text = readFileSync(join(root, 'src', file), 'utf8');
    for (const match of text.matchAll(/^\s*\* ```tsx?\n([\s\S]*?)^\s*\* ```/gm)) {
      found.push({ where: `src/${file}:${lineOf(text, match.index)}`, code: match[1]!.replace(/^\s*\* ?/gm, '') });
    }
  }
  return found;
}

/** The text of each `authorize: …` value in `code`, up to the comma or bracket that ends it. */
function authorizeFunctions(code: string): string[] {
  const found: string[] = [];
  for (const match of code.matchAll(/\bauthorize:\s*/g)) {
    let depth = 0;
    let end = match.index + match[0].length;
    for (; end < code.length; end++) {
      const char = code[end]!;
      if ('([{'.includes(char)) depth++;
      else if (')]}'.includes(char) && depth-- === 0) break;
      else if (char === ',' && depth === 0) break;
    }
    found.push(code.slice(match.index + match[0].length, end).trim());
  }
  return found;
}

/**
 * A sample's `authorize`, as written, in a deployment where no one is signed in: each app function
 * it calls with the request (`getUser(request)`, …) finds no session, and no variable is set.
 */
function asWritten(text: string): TokenHandlerConfig['authorize'] {
  const appFunctions = [...new Set([...text.matchAll(/\b([A-Za-z_$][\w$]*)\(request\)/g)].map((match) => match[1]!))];
  const noSession = async () => null;
  const process = { env: {} };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the sample's own text, from this repository
  const make = new Function('process', 'TokenHandlerError', ...appFunctions, `return (${text});`) as (...args: unknown[]) => unknown;
  return make(process, TokenHandlerError, ...appFunctions.map(() => noSession)) as TokenHandlerConfig['authorize'];
}

/** Headers a caller with no session can send: no browser or proxy in between stops them. */
const FORGED = {
  Authorization: 'Bearer undefined',
  'cf-access-authenticated-user-email': 'ceo@example.com',
  'x-user-id': 'ceo',
};

const runnable = samples().flatMap(({ where, code }) =>
  // A stand-in marked as one ("your own session check here") is the reader's to replace.
  authorizeFunctions(code).flatMap((text) => (text.includes('your own') ? [] : [{ where, text }])),
);

describe('the authorize samples, run as written in the real handler', () => {
  it('are found (the check below checks something)', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(10);
  });

  // The samples are what users paste. One that trusts a header a caller writes itself, or that
  // compares a secret from a variable nobody set (`Bearer ${undefined}`), hands out whichever identity
  // the caller names: the endpoint's first promise ("cannot choose another identity") is gone.
  it.each(runnable)('give a caller with no session no identity it could not get without forged headers: $where', async ({ text }) => {
    const errors: unknown[] = [];
    const handler = createTokenHandler(handlerConfig({ authorize: asWritten(text), onError: (error) => void errors.push(error) }));
    const post = (headers: Record<string, string>) =>
      handler(
        new Request('http://127.0.0.1/api/token', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: '{}',
        }),
      );
    const plain = await readResponse(await post({}));
    const forged = await readResponse(await post(FORGED));
    expect(errors).toEqual([]); // the sample ran as written (no name it uses was missing)
    if (forged.claims) expect(forged.claims.sub, `${text}\n\nminted a token for forged headers`).toBe(plain.claims?.sub);
  });
});
