import * as React from 'react';
import { shallowEqual } from '../../core/shallowEqual.js';
import type { TokenFetchOptions } from '../../core/types.js';
import { useEqualValue } from './useEqualValue.js';

/**
 * The eight fetch options `useSession` knows, picked from the provider's props or
 * `useCustomTokenSession`'s options (it throws on any other key) and memoised by value (it compares
 * `participantAttributes` by reference).
 */
export function useFetchOptions(props: TokenFetchOptions): TokenFetchOptions {
  const { roomName, participantName, participantIdentity, participantMetadata, agentName, agentMetadata, deployment } = props;
  const participantAttributes = useEqualValue(props.participantAttributes, shallowEqual);
  return React.useMemo(
    () =>
      dropUndefined({
        roomName,
        participantName,
        participantIdentity,
        participantMetadata,
        participantAttributes,
        agentName,
        agentMetadata,
        deployment,
      }),
    [roomName, participantName, participantIdentity, participantMetadata, participantAttributes, agentName, agentMetadata, deployment],
  );
}

function dropUndefined(options: TokenFetchOptions): TokenFetchOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
