import { render, renderHook } from '@testing-library/react';
import * as React from 'react';
import { describe, expect, it } from 'vitest';
import { useMaybeAgentStatusContext } from '../../src/context/AgentStatusContext';
import { useMaybeCameraTracksContext } from '../../src/context/CameraTracksContext';
import { useMaybeSessionActionsContext } from '../../src/context/SessionActionsContext';
import { useMaybeSessionStateContext } from '../../src/context/SessionStateContext';
import { useMaybeTokenSourceContext } from '../../src/context/TokenSourceContext';
import { useAgentStatus } from '../../src/hooks/useAgentStatus';
import { useCameraTracks } from '../../src/hooks/useCameraTracks';
import { useSessionActions } from '../../src/hooks/useSessionActions';
import { useSessionState } from '../../src/hooks/useSessionState';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { CustomTokenError, isCustomTokenError } from '../../src/core/errors';
import { expectRenderErrors } from '../helpers/expectedRenderErrors';

/** What `render` threw. */
function thrownBy(render: () => unknown): unknown {
  try {
    render();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

const hooks = { useSessionState, useSessionActions, useCameraTracks, useAgentStatus };

describe('session hooks outside <CustomTokenSessionProvider>', () => {
  it.each(Object.entries(hooks))('%s throws a typed error (outside_provider) naming itself and the provider', (name, useHook) => {
    expectRenderErrors();
    function Consumer() {
      useHook();
      return null;
    }
    const error = thrownBy(() =>
      render(
        <React.StrictMode>
          <Consumer />
        </React.StrictMode>,
      ),
    );
    expect(error).toBeInstanceOf(CustomTokenError);
    expect(isCustomTokenError(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'CustomTokenError',
      code: 'outside_provider',
      retryable: false,
      message: `${name} must be used within <CustomTokenSessionProvider>.`,
    });
  });

  it('useTokenStatus throws a typed error (outside_provider) that says it can also be given a source', () => {
    expectRenderErrors();
    const error = thrownBy(() => renderHook(() => useTokenStatus()));
    expect(error).toBeInstanceOf(CustomTokenError);
    expect(error).toMatchObject({
      code: 'outside_provider',
      retryable: false,
      message: 'useTokenStatus must be used within <CustomTokenSessionProvider>, or be given a source: useTokenStatus(source).',
    });
  });

  it('the useMaybe… context readers return null instead of throwing', () => {
    const { result } = renderHook(
      () => [
        useMaybeSessionStateContext(),
        useMaybeSessionActionsContext(),
        useMaybeCameraTracksContext(),
        useMaybeAgentStatusContext(),
        useMaybeTokenSourceContext(),
      ],
      { wrapper: React.StrictMode },
    );
    expect(result.current).toEqual([null, null, null, null, null]);
  });
});
