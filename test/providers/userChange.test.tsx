import { act, waitFor } from '@testing-library/react';
import { decodeTokenPayload } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import { useTokenStatus, type UseTokenStatusReturn } from '../../src/hooks/useTokenStatus';
import { controlledGenerator } from '../helpers/generators';
import { roomWithoutServer } from '../helpers/room';
import { clickStart, renderSession } from './render';

/**
 * README, "2. The hook": "when the signed-in user changes, give the component a `key` of the user id
 * (or call `source.refresh()`), or it keeps handing out the previous user's token".
 */
describe('CustomTokenSessionProvider when the signed-in user changes while the token on mount is being fetched', () => {
  it('after refresh(), start() joins as the new user, not with the token the previous user’s call brings', async () => {
    const { room, connect } = roomWithoutServer();
    const { generator, calls } = controlledGenerator();
    const token: { current: UseTokenStatusReturn | null } = { current: null };
    function TokenProbe() {
      token.current = useTokenStatus();
      return null;
    }
    const { session } = renderSession({ generator, room, roomName: 'standup', microphone: false }, { children: <TokenProbe /> });
    await waitFor(() => expect(calls).toHaveLength(1)); // the fetch on mount, under the previous user

    // The user signs in as someone else; the app asks for a token of theirs, as the README says.
    act(() => void token.current!.refresh());
    await act(() => calls[0]!.resolve({ identity: 'previous-user' }));
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    await act(() => calls[1]?.resolve({ identity: 'new-user' }));

    const started = clickStart(session);
    await waitFor(() => expect(started()).toBe(true));
    expect(connect).toHaveBeenCalledTimes(1);
    expect(decodeTokenPayload(connect.mock.calls[0]![1]).sub).toBe('new-user');
  });
});
