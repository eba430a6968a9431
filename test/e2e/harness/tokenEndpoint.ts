import { randomUUID } from 'node:crypto';
import { AccessToken, RoomAgentDispatch, RoomConfiguration } from 'livekit-server-sdk';
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET, LIVEKIT_WS_URL } from './livekit';

interface StandardTokenRequest {
  room_name?: string;
  participant_identity?: string;
  participant_name?: string;
  room_config?: { agents?: { agentName?: string; agent_name?: string }[] };
}

/**
 * The token endpoint mounted beside the test app (standard LiveKit request and response).
 * Query: `secret=wrong` signs with a secret the server does not know; `ttl=<seconds>`.
 * No room asked for → a fresh room; no identity → a fresh one.
 */
export async function handleTokenRequest(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const body = (await request.json()) as StandardTokenRequest;
  const secret = url.searchParams.get('secret') === 'wrong' ? 'not-the-server-secret' : LIVEKIT_API_SECRET;
  const ttl = Number(url.searchParams.get('ttl') ?? 600);
  const room = body.room_name ?? `room-${randomUUID()}`;
  const token = new AccessToken(LIVEKIT_API_KEY, secret, {
    identity: body.participant_identity ?? `user-${randomUUID().slice(0, 8)}`,
    name: body.participant_name,
    ttl,
  });
  token.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true });
  const agents = (body.room_config?.agents ?? []).map(
    (agent) => new RoomAgentDispatch({ agentName: agent.agentName ?? agent.agent_name ?? '' }),
  );
  if (agents.length > 0) token.roomConfig = new RoomConfiguration({ agents });
  return Response.json({ server_url: LIVEKIT_WS_URL, participant_token: await token.toJwt() }, { status: 201 });
}
