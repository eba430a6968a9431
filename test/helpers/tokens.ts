import { AccessToken, type VideoGrant } from 'livekit-server-sdk';
import { RoomAgentDispatch, RoomConfiguration } from '@livekit/protocol';

export const API_KEY = 'devkey';
export const API_SECRET = 'secret';
/**
 * A loopback port nothing listens on (1, tcpmux: never served), not LiveKit's 7880: LiveKit's
 * `useSession` pre-warms the connection with a request to the server URL on mount, and a unit test
 * must not reach the LiveKit server a developer runs beside it (`npm start`) or the e2e suite's.
 */
export const SERVER_URL = 'ws://127.0.0.1:1';

export interface MintOptions {
  identity?: string;
  room?: string;
  name?: string;
  /** Seconds or a duration string ('10m'). */
  ttl?: number | string;
  agentName?: string;
  grant?: Partial<VideoGrant>;
}

/** A real LiveKit participant token, minted with livekit-server-sdk at the current (possibly fake) time. */
export async function mintToken({ identity = 'alice', room = 'room-a', name, ttl = '10m', agentName, grant }: MintOptions = {}) {
  const token = new AccessToken(API_KEY, API_SECRET, { identity, name, ttl });
  token.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true, ...grant });
  if (agentName) token.roomConfig = new RoomConfiguration({ agents: [new RoomAgentDispatch({ agentName })] });
  return token.toJwt();
}
