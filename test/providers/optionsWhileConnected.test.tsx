import { waitFor } from '@testing-library/react';
import { decodeTokenPayload } from 'livekit-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeMediaDevices } from '../helpers/media';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from './render';

let media: ReturnType<typeof fakeMediaDevices>;
beforeEach(() => {
  media = fakeMediaDevices();
});

describe('CustomTokenSessionProvider when options change while connected', () => {
  it('leaves the live call untouched, and the next start() uses the new room, name and camera', async () => {
    const { room, connect } = roomWithoutServer();
    const generator = tokenGenerator();
    const before = {
      generator,
      room,
      roomName: 'standup',
      participantIdentity: 'ada',
      participantName: 'Ada',
      camera: false,
      microphone: false,
    } as const;
    const { session, rerenderWith } = renderSession(before);
    await settle(() => session().start());
    const callsWhileConnected = generator.mock.calls.length;

    rerenderWith({ ...before, roomName: 'retro', participantName: 'Ada L.', camera: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(room.state).toBe('connected');
    expect(connect).toHaveBeenCalledTimes(1);
    expect(generator).toHaveBeenCalledTimes(callsWhileConnected);
    expect(media.getUserMedia).not.toHaveBeenCalled();

    await settle(() => session().end());
    void session().start();
    await waitFor(() => expect(connect).toHaveBeenCalledTimes(2));
    const token = decodeTokenPayload(connect.mock.calls[1]![1]);
    expect(token.video?.room).toBe('retro');
    expect(generator.mock.calls.at(-1)![0]).toMatchObject({ roomName: 'retro', participantName: 'Ada L.' });
    await waitFor(() => expect(media.getUserMedia).toHaveBeenCalledWith(expect.objectContaining({ video: expect.anything() })));
    await settle(() => session().end());
  });
});
