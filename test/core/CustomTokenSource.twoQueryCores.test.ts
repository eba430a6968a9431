// @vitest-environment node
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { controlledGenerator } from '../helpers/generators';

/**
 * A second copy of `@tanstack/query-core` (the oldest the peer range allows, installed in
 * test/peers-oldest): what an app has when its `@tanstack/react-query` brings its own copy
 * beside the one this package imports. Its errors are not instances of this package's classes.
 */
const otherCopy = fileURLToPath(new URL('../peers-oldest/node_modules/@tanstack/query-core/build/modern/index.js', import.meta.url));
const { QueryClient } = (await import(/* @vite-ignore */ otherCopy)) as typeof import('@tanstack/query-core');

describe('CustomTokenSource in an app QueryClient from another copy of query-core', () => {
  it('rejects a fetch that cancel() stopped as aborted, as with its own client', async () => {
    const queryClient = new QueryClient();
    const { generator } = controlledGenerator();
    const source = createCustomTokenSource(generator, { queryClient: queryClient });
    const fetched = source.fetch({ roomName: 'A' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    source.cancel();
    await expect(fetched).rejects.toMatchObject({ code: 'aborted' });
    expect(source.getSnapshot().error?.code ?? 'aborted').toBe('aborted');
  });
});
