import { act, waitFor } from '@testing-library/react';
import { decodeTokenPayload } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import { controlledGenerator, mintingGenerator } from '../helpers/generators';
import { fakeMediaDevices } from '../helpers/media';
import { roomWithoutServer } from '../helpers/room';
import { renderSession, settle } from './render';

// Promises of docs/session-lifecycle.md that no other test states as such.

describe('end() while the start waits on the user and the network (docs/session-lifecycle.md)', () => {
  it('does not wait for a camera prompt nobody answers, nor for a token endpoint that is slow', async () => {
    const media = fakeMediaDevices();
    try {
      const { generator, calls } = controlledGenerator();
      const { room, connect } = roomWithoutServer();
      const { session } = renderSession({ generator, room, roomName: 'standup', camera: true, microphone: false, prefetch: false });
      act(() => void session().start());
      await waitFor(() => expect(media.getUserMedia).toHaveBeenCalledTimes(1));
      await waitFor(() => expect(calls).toHaveLength(1));

      // Neither the prompt nor the token endpoint ever answers.
      await settle(() => session().end());

      expect(session()).toMatchObject({ isStarting: false, isEnding: false, isConnected: false, error: null });
      expect(connect).not.toHaveBeenCalled();
    } finally {
      media.uninstall();
    }
  });
});

describe('without roomName, an endpoint that names a fresh room per token (docs/session-lifecycle.md)', () => {
  it('joins a new room for the next session after a call that went live and ended', async () => {
    let minted = 0;
    const generator = mintingGenerator(() => ({ room: `room-${++minted}` }));
    const { room, connect } = roomWithoutServer();
    const { session } = renderSession({ generator, room, microphone: false });
    await settle(() => session().start());
    await settle(() => session().end());

    await settle(() => session().start());

    expect(connect).toHaveBeenCalledTimes(2);
    const roomOf = (call: number) => decodeTokenPayload(connect.mock.calls[call]![1]).video?.room;
    expect(roomOf(1)).not.toBe(roomOf(0));
    await settle(() => session().end());
  });
});
