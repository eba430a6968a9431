import { AccessToken, RoomAgentDispatch, RoomConfiguration } from 'livekit-server-sdk';
import type { TokenPlan } from './planToken.js';

/**
 * Signs a participant token for a {@link TokenPlan} with `livekit-server-sdk`: a join grant for
 * the planned room (publish, subscribe and data by default, the plan's grants on top) and the
 * planned agents as `roomConfig`.
 *
 * @example
 * ```ts
 * const jwt = await mintToken(plan, { apiKey: 'devkey', apiSecret: 'secret', ttl: '10m' });
 * ```
 */
export async function mintToken(
  plan: TokenPlan,
  { apiKey, apiSecret, ttl }: { apiKey: string; apiSecret: string; ttl: number | string },
): Promise<string> {
  const token = new AccessToken(apiKey, apiSecret, {
    identity: plan.identity,
    name: plan.name,
    metadata: plan.metadata,
    attributes: plan.attributes,
    ttl,
  });
  token.addGrant({ canPublish: true, canSubscribe: true, canPublishData: true, ...plan.grants, room: plan.roomName, roomJoin: true });
  if (plan.agents.length > 0) {
    token.roomConfig = new RoomConfiguration({ agents: plan.agents.map((agent) => new RoomAgentDispatch(agent)) });
  }
  return token.toJwt();
}
