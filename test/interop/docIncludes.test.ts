// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { staleIncludes } from '../../scripts/doc-includes.mjs';

describe('the docs’ tested examples', () => {
  it('show exactly the files the tests run (node scripts/doc-includes.mjs write updates them)', () => {
    expect(staleIncludes()).toEqual([]);
  });
});
