import { act, renderHook } from '@testing-library/react';
import * as React from 'react';
import { describe, expect, it, vi } from 'vitest';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { expectRenderErrors } from '../helpers/expectedRenderErrors';
import { controlledGenerator, mintingGenerator } from '../helpers/generators';

describe('useTokenStatus', () => {
  it('follows a fetch from idle through fetching to ready', async () => {
    const { generator, calls } = controlledGenerator();
    const source = createCustomTokenSource(generator);
    const { result } = renderHook(() => useTokenStatus(source), { wrapper: React.StrictMode });
    expect(result.current.status).toBe('idle');
    let fetched: Promise<unknown>;
    act(() => {
      fetched = source.fetch({ roomName: 'A', participantIdentity: 'ada' });
    });
    expect(result.current.status).toBe('fetching');
    await act(async () => {
      await vi.waitFor(() => expect(calls).toHaveLength(1));
      await calls[0]!.resolve({ identity: 'ada' });
      await fetched;
    });
    expect(result.current).toMatchObject({
      status: 'ready',
      identity: 'ada',
      room: 'A',
      grants: expect.objectContaining({ roomJoin: true }),
      error: null,
    });
  });

  it('shows the typed error of a failed fetch', async () => {
    const source = createCustomTokenSource(async () => {
      throw Object.assign(new Error('Forbidden'), { status: 403 });
    });
    const { result } = renderHook(() => useTokenStatus(source));
    await act(async () => {
      await source.fetch({ roomName: 'A' }).catch(() => undefined);
    });
    expect(result.current).toMatchObject({ status: 'error', error: expect.objectContaining({ code: 'http', status: 403 }) });
  });

  it('does not re-render for a fetch answered from the cache', async () => {
    const source = createCustomTokenSource(mintingGenerator());
    let renders = 0;
    renderHook(() => {
      renders += 1;
      return useTokenStatus(source);
    });
    await act(async () => {
      await source.fetch({ roomName: 'A' });
    });
    const rendersAfterFirstToken = renders;
    await act(async () => {
      await source.fetch({ roomName: 'A', participantAttributes: {} });
    });
    expect(renders).toBe(rendersAfterFirstToken);
  });

  it('refresh() fetches a new token for the current options', async () => {
    const generator = mintingGenerator();
    const source = createCustomTokenSource(generator);
    const { result } = renderHook(() => useTokenStatus(source));
    await act(async () => {
      await source.fetch({ roomName: 'A' });
      await result.current.refresh();
    });
    expect(generator).toHaveBeenCalledTimes(2);
    expect(result.current.generatorCalls).toBe(2);
  });

  it('keeps refresh() the same function across snapshots and renders (docs/token-source.md: "a stable `refresh()`")', async () => {
    const source = createCustomTokenSource(mintingGenerator());
    const { result, rerender } = renderHook(() => useTokenStatus(source));
    const first = result.current.refresh;
    await act(async () => {
      await source.fetch({ roomName: 'A' });
    });
    rerender();
    expect(result.current.status).toBe('ready');
    expect(result.current.refresh).toBe(first);
  });

  it('throws a clear error outside the provider when given no source', () => {
    expectRenderErrors();
    expect(() => renderHook(() => useTokenStatus())).toThrow(
      'useTokenStatus must be used within <CustomTokenSessionProvider>, or be given a source: useTokenStatus(source).',
    );
  });
});
