import { act, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession } from './render';

/**
 * README, "What it promises": "After `end()` or unmount — at any moment, even mid-fetch or
 * mid-connect — … no participant of ours is in the room …, and no late `connect` happens."
 */
describe('CustomTokenSessionProvider actions called after it unmounted', () => {
  it('start() (a click handler that awaited something meanwhile) connects nothing', async () => {
    const { room, connect } = roomWithoutServer();
    const generator = tokenGenerator();
    const { session, unmount } = renderSession({ generator, room, roomName: 'standup', microphone: false });
    await waitFor(() => expect(generator).toHaveBeenCalledTimes(1)); // the token on mount, in hand
    const { start } = session();
    unmount();

    let settled = false;
    void start().then(() => {
      settled = true;
    });
    await act(() => new Promise((resolve) => setTimeout(resolve, 200)));

    expect.soft(connect, 'Room.connect calls').not.toHaveBeenCalled();
    expect.soft(room.state).toBe('disconnected');
    expect(settled, 'start() settled (it never rejects)').toBe(true);
  });
});
