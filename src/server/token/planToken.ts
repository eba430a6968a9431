/// <reference lib="es2024.string" />
import { checkFitsJoin } from './checkFitsJoin.js';
import { callerGone, createDeadline, type Deadline } from './createDeadline.js';
import { livekitLimits } from '../../core/livekitLimits.js';
import { trackSourceName, type TokenIssuer } from './mintToken.js';
import { shorten } from '../shorten.js';
import type { TokenLimiter } from '../limits/createTokenLimiter.js';
import { TokenHandlerError } from '../TokenHandlerError.js';
import type {
  AuthorizedParticipant,
  RequestedAgent,
  TokenAuthorizeContext,
  TokenHandlerConfig,
  TokenPolicyContext,
  TokenRequestBody,
} from '../types.js';

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
  /** The claims above as JSON, written by the first `tokenPayload` of the plan and read by the next: set nothing here, and change nothing above once it is set. */
  claimsJson?: string;
}

/** What {@link planToken} reads from the resolved handler config. */
export interface TokenPlanPolicy extends Pick<TokenHandlerConfig, 'authorize' | 'rooms' | 'agents'> {
  /** @defaultValue 1 */
  maxAgentsPerToken?: number;
  /** Time for `authorize`, the policies and the limits function together (throws `authorize_timeout`). @defaultValue 10_000 */
  authorizeTimeoutMs?: number;
  /** Counts the token against the caller's limits (throws `rate_limited`). @defaultValue no limits */
  limiter?: TokenLimiter;
}

const RESERVED_ATTRIBUTE_PREFIX = 'lk.';

/**
 * Decides what the caller's token carries and whether it may have it now: who it is (from
 * `authorize`), which room (requested, or a fresh one, and allowed), which agents (requested and
 * allowed — never more, at most `maxAgentsPerToken`), which attributes (none under LiveKit's
 * reserved `lk.` prefix unless `authorize` set that key), whether the token `issuer` would sign
 * fits a join (`checkFitsJoin`), and last the caller's limits. The app's callbacks (`authorize`,
 * policy functions, a limits function) have `authorizeTimeoutMs` together, from the call of
 * `authorize`; a late result is ignored, and nothing is counted. Each gets a `signal` (`authorize`
 * in its third argument, the others in their context), made when first read, that aborts then or
 * when the caller goes away.
 *
 * @throws {TokenHandlerError} `invalid_body`, `unauthorized`, `identity_not_allowed`,
 * `room_not_allowed`, `agent_not_allowed`, `attribute_not_allowed`, `authorize_timeout` or `rate_limited`; whatever a
 * policy throws passes through; a plain Error (a 500) for what `authorize` returned past LiveKit's
 * limits, or a token too long to join.
 * @example
 * ```ts
 * const plan = await planToken(request, body, { authorize, agents: ['support-agent'] });
 * ```
 */
export async function planToken(
  request: Request,
  body: TokenRequestBody,
  { authorize, rooms, agents, maxAgentsPerToken = 1, authorizeTimeoutMs = 10_000, limiter }: TokenPlanPolicy,
  issuer?: TokenIssuer,
): Promise<TokenPlan> {
  if (body.agents.length > maxAgentsPerToken) {
    throw new TokenHandlerError(
      'invalid_body',
      `The token request is invalid — room_config.agents: at most ${maxAgentsPerToken} distinct agent${maxAgentsPerToken === 1 ? '' : 's'} per token (maxAgentsPerToken), got ${body.agents.length}.`,
    );
  }
  const deadline = createDeadline(authorizeTimeoutMs);
  try {
    return await decide(request, body, { authorize, rooms, agents, limiter }, deadline, issuer);
  } finally {
    deadline.clear();
  }
}

/** {@link planToken} once the request's size is known to be fine: the app's callbacks, each within `deadline`. */
async function decide(
  request: Request,
  body: TokenRequestBody,
  { authorize, rooms, agents, limiter }: TokenPlanPolicy,
  deadline: Deadline,
  issuer: TokenIssuer | undefined,
): Promise<TokenPlan> {
  const participant = await authorizeCaller(request, body, authorize, deadline);
  const context: TokenPolicyContext = new PolicyContext(participant, body, request, deadline);
  const requested = body.participantIdentity;
  if (requested !== undefined && requested !== participant.identity && !participant.allowRequestedIdentity) {
    throw new TokenHandlerError('identity_not_allowed', 'This caller may not choose its participant identity.');
  }
  // A request without a room gets a fresh one, which the policy is asked about like any other.
  const roomName = body.roomName ?? `room-${crypto.randomUUID()}`;
  if (rooms !== undefined && !(await allows(rooms, roomName, roomName, context, deadline, 'The rooms policy'))) {
    throw new TokenHandlerError(
      'room_not_allowed',
      body.roomName === undefined
        ? 'This caller may not join a fresh room: name the room (room_name).'
        : 'This caller may not join the requested room.',
    );
  }
  for (const agent of body.agents) {
    // No agent policy allows no agent.
    if (agents === undefined || !(await allows(agents, agent.agentName, agent, context, deadline, 'The agents policy'))) {
      throw new TokenHandlerError('agent_not_allowed', 'This caller may not dispatch the requested agent.');
    }
  }
  const reserved = Object.keys(body.participantAttributes ?? {}).find(
    (key) => key.toLowerCase().startsWith(RESERVED_ATTRIBUTE_PREFIX) && !Object.hasOwn(participant.attributes ?? {}, key),
  );
  if (reserved !== undefined) {
    throw new TokenHandlerError(
      'attribute_not_allowed',
      `The attribute "${shorten(reserved)}" is reserved for LiveKit (lk. prefix); only the server may set it.`,
    );
  }
  const attributes =
    // Stryker disable next-line LogicalOperator: `||` also checks a set alone, which fits already (the schema checked the body's, checkAuthorized authorize's), so it never refuses more
    body.participantAttributes && participant.attributes ? { ...body.participantAttributes, ...participant.attributes } : undefined;
  // Each set fits on its own (the schema, checkAuthorized); together they may not.
  if (attributes && !livekitLimits.attributesFit(attributes)) {
    throw new TokenHandlerError(
      'invalid_body',
      `The token request is invalid — participant_attributes: with the server's own attributes, must be at most ${livekitLimits.attributesBytes} bytes in total.`,
    );
  }
  const plan: TokenPlan = {
    identity: (participant.allowRequestedIdentity && requested) || participant.identity,
    name: participant.name ?? body.participantName,
    metadata: participant.metadata ?? body.participantMetadata,
    attributes: attributes ?? body.participantAttributes ?? participant.attributes,
    grants: participant.grants ?? {},
    roomName,
    agents: body.agents.map(({ agentName, metadata, deployment }) => ({ agentName, metadata, deployment })),
  };
  // Refused before the limits count it: a token that cannot join must not use up the caller's quota.
  if (issuer) checkFitsJoin(plan, issuer);
  if (limiter) {
    // The caller went away (its own timeout, say) while authorize or a policy ran: nobody reads this
    // token, so it counts nothing — else every attempt a client gave up on would use up its limits.
    if (request.signal.aborted) throw callerGone();
    await limiter(plan, context, deadline);
  }
  return plan;
}

/**
 * `authorize`'s third argument. Its `signal` is made only when read, by a getter of the object's
 * own, so that a callback passing the context on as a copy (`{ ...context }`, a policy wrapping
 * another) passes the signal too: a spread copies own properties only, and reads each. The getter
 * is one function for every context, defined on each (about 0.15 µs a context on Node 20, a
 * thousandth of a token): not an object literal's getter, a new closure per object, which measured
 * side by side on Node 20 made every token about a fifth dearer (CPU), though nothing read it.
 */
class AuthorizeContext implements TokenAuthorizeContext {
  static readonly #signal: PropertyDescriptor = {
    enumerable: true,
    get(this: AuthorizeContext) {
      return this.#deadline.signal(this.#request);
    },
  };
  declare readonly signal: AbortSignal;
  readonly #request: Request;
  readonly #deadline: Deadline;
  constructor(request: Request, deadline: Deadline) {
    this.#request = request;
    this.#deadline = deadline;
    Object.defineProperty(this, 'signal', AuthorizeContext.#signal);
  }
}

/** The policies' and the limits function's context: its `signal` made only when read, and kept by a spread, as `AuthorizeContext`'s. */
class PolicyContext implements TokenPolicyContext {
  static readonly #signal: PropertyDescriptor = {
    enumerable: true,
    get(this: PolicyContext) {
      return this.#deadline.signal(this.request);
    },
  };
  declare readonly signal: AbortSignal;
  readonly #deadline: Deadline;
  constructor(
    readonly participant: AuthorizedParticipant,
    readonly body: TokenRequestBody,
    readonly request: Request,
    deadline: Deadline,
  ) {
    this.#deadline = deadline;
    Object.defineProperty(this, 'signal', PolicyContext.#signal);
  }
}

async function authorizeCaller(
  request: Request,
  body: TokenRequestBody,
  authorize: TokenHandlerConfig['authorize'],
  deadline: Deadline,
): Promise<AuthorizedParticipant> {
  let participant: AuthorizedParticipant | null | undefined;
  try {
    participant = await deadline.within('authorize()', () => authorize(request, body, new AuthorizeContext(request, deadline)));
  } catch (error) {
    if (error instanceof TokenHandlerError) throw error;
    // The cause goes to onError: even nothing thrown is something to log.
    const cause = error ?? new Error(`authorize() threw ${String(error)}.`);
    throw new TokenHandlerError('unauthorized', 'The caller is not signed in or not recognised.', { cause });
  }
  if (!participant) throw new TokenHandlerError('unauthorized', 'The caller is not signed in or not recognised.');
  checkAuthorized(participant);
  return participant;
}

/** What `authorize` returned, against LiveKit's limits: past one, a programming error in `authorize`, not the caller's fault (a plain Error becomes a 500). */
function checkAuthorized({ identity, name, metadata, attributes, grants, allowRequestedIdentity }: AuthorizedParticipant): void {
  const { fits, nameBytes, metadataBytes, attributesBytes } = livekitLimits;
  if (typeof identity !== 'string' || identity === '' || !fits(identity, nameBytes)) {
    throw new Error(`authorize() must return a non-empty identity of at most ${nameBytes} bytes of UTF-8.`);
  }
  checkTypes({ name, metadata, attributes, allowRequestedIdentity });
  if (name !== undefined && !fits(name, nameBytes)) throw new Error(`authorize() returned a name over ${nameBytes} bytes of UTF-8.`);
  if (metadata !== undefined && !fits(metadata, metadataBytes)) {
    throw new Error(`authorize() returned metadata over ${metadataBytes} bytes of UTF-8.`);
  }
  if (attributes !== undefined && !livekitLimits.attributesFit(attributes)) {
    throw new Error(`authorize() returned attributes over ${attributesBytes} bytes of UTF-8 in total.`);
  }
  // LiveKit reads a lone surrogate as U+FFFD: "bob\uD800" and "bob\uDBFF" would be one participant there (the schema refuses them in the body).
  if (!identity.isWellFormed()) throw notWellFormed('an identity');
  if (name?.isWellFormed() === false) throw notWellFormed('a name');
  if (metadata?.isWellFormed() === false) throw notWellFormed('metadata');
  if (attributes && !Object.entries(attributes).every(([key, value]) => key.isWellFormed() && value.isWellFormed())) {
    throw notWellFormed('attributes');
  }
  // The body may not send this key either (the schema): every JavaScript reader of the claim would lose it to the prototype.
  if (attributes && Object.hasOwn(attributes, '__proto__')) {
    throw new Error(
      'authorize() returned an attribute named "__proto__", which JavaScript readers of the attributes would take for their prototype.',
    );
  }
  checkGrantTypes(grants);
  // What the signature would refuse, refused before the limits count the token.
  const sources: unknown = grants?.canPublishSources;
  if (sources !== undefined) {
    try {
      (sources as unknown[]).forEach(trackSourceName);
    } catch (error) {
      throw new Error(
        `authorize() returned grants.canPublishSources the token cannot carry (use livekit-server-sdk's TrackSource values): ${(error as Error).message}.`,
        { cause: error },
      );
    }
  }
}

/**
 * The other fields' types, before anything reads them: a database row passed on as it is has NULL
 * columns and numbers, which would otherwise fail as a TypeError from deep inside (`Cannot read
 * properties of null`), naming nothing the app wrote.
 */
function checkTypes(fields: Pick<AuthorizedParticipant, 'name' | 'metadata' | 'attributes' | 'allowRequestedIdentity'>): void {
  // Truthy, "false" would let any identity in. `null` stays false, as it always read.
  const allow: unknown = fields.allowRequestedIdentity;
  if (allow != null && typeof allow !== 'boolean') {
    throw new Error(`authorize() returned allowRequestedIdentity ${described(allow)}: return true or false.`);
  }
  // Not `as const`: Stryker mutates nothing inside an `as` expression (MUTATION.md).
  const textFields: readonly ('name' | 'metadata')[] = ['name', 'metadata'];
  for (const field of textFields) {
    const value: unknown = fields[field];
    if (value !== undefined && typeof value !== 'string') {
      throw new Error(`authorize() returned ${field} ${described(value)}: return a string, or leave ${field} out for none.`);
    }
  }
  const attributes: unknown = fields.attributes;
  if (attributes === undefined) return;
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw new Error(
      `authorize() returned attributes ${described(attributes)}: return an object of strings, or leave attributes out for none.`,
    );
  }
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value !== 'string') {
      throw new Error(`authorize() returned attribute "${shorten(key)}" ${described(value)}: every attribute value must be a string.`);
    }
  }
}

/** The grants LiveKit's server reads as booleans: a token with another value there (`"canPublish": "false"`) is refused at join. */
const BOOLEAN_GRANTS = [
  'roomCreate',
  'roomList',
  'roomRecord',
  'roomAdmin',
  'ingressAdmin',
  'canPublish',
  'canSubscribe',
  'canPublishData',
  'canUpdateOwnMetadata',
  'hidden',
  'recorder',
  'agent',
  'canSubscribeMetrics',
  'canManageAgentSession',
] as const;

/**
 * The grants' types: an object, its known flags booleans and `destinationRoom` a string, as LiveKit's
 * server reads them. `null` is left alone (read as not set, as it always was); other keys pass as they are.
 */
function checkGrantTypes(grants: unknown): void {
  if (grants == null) return;
  if (typeof grants !== 'object' || Array.isArray(grants)) {
    throw new Error(`authorize() returned grants ${described(grants)}: return an object of grants, such as { canPublish: false }.`);
  }
  const given = grants as Record<string, unknown>;
  for (const grant of BOOLEAN_GRANTS) {
    const value = given[grant];
    if (value != null && typeof value !== 'boolean') {
      throw new Error(`authorize() returned grants.${grant} ${described(value)}: return true or false.`);
    }
  }
  if (given['destinationRoom'] != null && typeof given['destinationRoom'] !== 'string') {
    throw new Error(`authorize() returned grants.destinationRoom ${described(given['destinationRoom'])}: return a room name.`);
  }
}

/** `null`, or the type of a value that is not what was wanted ("as a number"). */
function described(value: unknown): string {
  if (value === null) return 'null';
  const type = Array.isArray(value) ? 'list' : typeof value;
  return `as ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function notWellFormed(what: string): Error {
  return new Error(`authorize() returned ${what} that is not well-formed UTF-16: a lone surrogate, which LiveKit would read as U+FFFD.`);
}

async function allows<T>(
  policy: readonly string[] | ((value: T, context: TokenPolicyContext) => boolean | Promise<boolean>),
  name: string,
  value: T,
  context: TokenPolicyContext,
  deadline: Deadline,
  what: string,
): Promise<boolean> {
  return typeof policy === 'function' ? (await deadline.within(what, () => policy(value, context))) === true : policy.includes(name);
}
