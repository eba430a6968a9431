import type { TokenSourceConfigurable } from 'livekit-client';
import * as React from 'react';
import type { TokenFetchOptions } from '../../core/types.js';
import { useLatest } from './useLatest.js';

/**
 * What to give LiveKit's `useSession`: the fetch options without `deployment`, which the
 * `useSession` of `@livekit/components-react` 2.9.21 (the peer range's oldest) does not know and
 * throws on ("Options key deployment not being checked for equality!"), and a view of `source`
 * whose `fetch` adds the latest `deployment` back. Shared by `useCustomTokenSession` and
 * `CustomTokenSessionProvider`.
 */
export function useDeploymentApart<S extends TokenSourceConfigurable>(source: S, options: TokenFetchOptions): [S, TokenFetchOptions] {
  const { deployment, ...known } = options;
  const latestDeployment = useLatest(deployment);
  const view = React.useMemo(
    () =>
      Object.create(source, {
        fetch: {
          value: (fetchOptions: TokenFetchOptions, force?: boolean) =>
            source.fetch({ ...fetchOptions, deployment: latestDeployment.current }, force),
        },
      }) as S,
    [source, latestDeployment],
  );
  return [view, known];
}
