import { TokenHandlerError } from './TokenHandlerError.js';
import type { AuthorizedParticipant, RequestedAgent, TokenHandlerConfig, TokenPolicyContext, TokenRequestBody } from './types.js';

/**
 * Everything a token will carry, decided by `authorize` and the policies.
 *
 * @example
 * ```ts
 * const plan: TokenPlan = { identity: 'alice', grants: {}, roomName: 'standup', agents: [] };
 * ```
 */
export interface TokenPlan {
  identity: string;
  name?: string;
  metadata?: string;
  attributes?: Record<string, string>;
  grants: NonNullable<AuthorizedParticipant['grants']>;
  roomName: string;
  agents: readonly RequestedAgent[];
}

const MAX_IDENTITY_CHARS = 256;

/**
 * Decides what the caller's token carries: who it is (from `authorize`), which room (requested
 * and allowed, or a fresh one) and which agents (requested and allowed — never more).
 *
 * @throws {TokenHandlerError} `unauthorized`, `identity_not_allowed`, `room_not_allowed` or
 * `agent_not_allowed`; whatever a policy throws passes through.
 * @example
 * ```ts
 * const plan = await planToken(request, body, { authorize, agents: ['support-agent'] });
 * ```
 */
export async function planToken(
  request: Request,
  body: TokenRequestBody,
  { authorize, rooms, agents = [] }: Pick<TokenHandlerConfig, 'authorize' | 'rooms' | 'agents'>,
): Promise<TokenPlan> {
  const participant = await authorizeCaller(request, body, authorize);
  const context: TokenPolicyContext = { participant, body, request };
  const requested = body.participantIdentity;
  if (requested !== undefined && requested !== participant.identity && !participant.allowRequestedIdentity) {
    throw new TokenHandlerError('identity_not_allowed', 'This caller may not choose its participant identity.');
  }
  if (body.roomName !== undefined && rooms !== undefined && !(await allows(rooms, body.roomName, body.roomName, context))) {
    throw new TokenHandlerError('room_not_allowed', 'This caller may not join the requested room.');
  }
  for (const agent of body.agents) {
    if (!(await allows(agents, agent.agentName, agent, context))) {
      throw new TokenHandlerError('agent_not_allowed', 'This caller may not dispatch the requested agent.');
    }
  }
  return {
    identity: (participant.allowRequestedIdentity && requested) || participant.identity,
    name: participant.name ?? body.participantName,
    metadata: participant.metadata ?? body.participantMetadata,
    attributes: body.participantAttributes || participant.attributes ? { ...body.participantAttributes, ...participant.attributes } : undefined,
    grants: participant.grants ?? {},
    roomName: body.roomName ?? `room-${crypto.randomUUID()}`,
    agents: body.agents.map(({ agentName, metadata, deployment }) => ({ agentName, metadata, deployment })),
  };
}

async function authorizeCaller(
  request: Request,
  body: TokenRequestBody,
  authorize: TokenHandlerConfig['authorize'],
): Promise<AuthorizedParticipant> {
  let participant: AuthorizedParticipant | null | undefined;
  try {
    participant = await authorize(request, body);
  } catch (error) {
    if (error instanceof TokenHandlerError) throw error;
    throw new TokenHandlerError('unauthorized', 'The caller is not signed in or not recognised.', { cause: error });
  }
  if (!participant) throw new TokenHandlerError('unauthorized', 'The caller is not signed in or not recognised.');
  const { identity } = participant;
  if (typeof identity !== 'string' || identity === '' || identity.length > MAX_IDENTITY_CHARS) {
    // A programming error in `authorize`, not the caller's fault: a plain Error becomes a 500.
    throw new Error(`authorize() must return a non-empty identity of at most ${MAX_IDENTITY_CHARS} characters.`);
  }
  return participant;
}

async function allows<T>(
  policy: readonly string[] | ((value: T, context: TokenPolicyContext) => boolean | Promise<boolean>),
  name: string,
  value: T,
  context: TokenPolicyContext,
): Promise<boolean> {
  return typeof policy === 'function' ? (await policy(value, context)) === true : policy.includes(name);
}
