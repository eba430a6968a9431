import { RoomServiceClient } from 'livekit-server-sdk';
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET, LIVEKIT_HTTP_URL } from './livekit';

/** The LiveKit server's room service, with the dev keys: who is in a room, by the server's own account. */
export const roomService = new RoomServiceClient(LIVEKIT_HTTP_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET);

/** Who the LiveKit server has in `room` (a room that does not exist has nobody). */
export const participantsIn = (room: string): Promise<string[]> =>
  roomService.listParticipants(room).then(
    (list) => list.map(({ identity }) => identity),
    () => [],
  );
