import type { Deadline } from '../token/createDeadline.js';
import type { TokenPlan } from '../token/planToken.js';
import { RETRY_SHORTLY_SECONDS, TokenHandlerError } from '../TokenHandlerError.js';
import type { TokenPolicyContext } from '../types.js';
import { describeInvalidLimits } from './describeInvalidLimits.js';
import { openLimitCounter, type Counted, type LimitCounter } from './openLimitCounter.js';
import type { TokenLimits, TokenLimitsPolicy, TokenLimitStore, TokenRateLimit } from './types.js';

/**
 * Counts a planned token against the caller's limits, or refuses it: resolves when the token may
 * be signed, throws `rate_limited` (429, with `Retry-After`) when it is over a limit. A limits
 * function runs within the request's `deadline` (`authorizeTimeoutMs`); the counts have the store's own timeout.
 */
export type TokenLimiter = (plan: TokenPlan, context: TokenPolicyContext, deadline: Deadline) => Promise<void>;

interface TokenLimiterOptions {
  limits: TokenLimitsPolicy;
  limitStore: TokenLimitStore;
  onLimitStoreError: 'allow' | 'deny';
  onError: (error: unknown, request: Request) => void;
}

/** One charge against a counter: what is counted, how much, and the caller's limit for it. */
interface Charge {
  what: string;
  counter: LimitCounter;
  points: number;
  rule: TokenRateLimit;
}

/**
 * The limiter behind the `limits` option: tokens and agent dispatches per caller (the identity
 * `authorize` returned) per window, counted with rate-limiter-flexible in memory or Redis. A
 * request over any limit counts against none (its points are given back). When the store fails,
 * `onLimitStoreError` decides: `'deny'` answers 503 `limits_unavailable` (with `Retry-After`), whose `cause` (the store's
 * failure) the handler reports to `onError` with the answer; `'allow'` issues the token, and reports
 * the failure to `onError` itself.
 *
 * @throws {TypeError} at creation for limits that are not valid.
 * @example
 * ```ts
 * const limiter = createTokenLimiter({ limits: { tokens: { limit: 10, windowSeconds: 60 } }, limitStore: 'memory', onLimitStoreError: 'deny', onError: console.error });
 * await limiter(plan, context, createDeadline(10_000)); // throws TokenHandlerError('rate_limited') on the 11th token in a minute
 * ```
 */
export function createTokenLimiter({ limits, limitStore, onLimitStoreError, onError }: TokenLimiterOptions): TokenLimiter {
  if (typeof limits !== 'function') {
    const problem = describeInvalidLimits(limits, limitStore);
    if (problem) throw new TypeError(`createTokenHandler: \`limits\` ${problem}.`);
  }
  const counters = new Map<string, Promise<LimitCounter>>();
  const counter = (name: string, windowSeconds: number) => {
    const key = `${name}:${windowSeconds}`;
    let opened = counters.get(key);
    if (!opened) counters.set(key, (opened = openLimitCounter(limitStore, name, windowSeconds)));
    return opened;
  };

  return async (plan, context, deadline) => {
    const rules = await limitsFor(limits, limitStore, context, deadline);
    if (!rules) return;
    const identity = context.participant.identity;
    const charges = await chargesFor(rules, plan, counter);
    const impossible = charges.find(({ points, rule }) => points > rule.limit);
    if (impossible) throw neverAllowed(impossible);
    const charged: { charge: Charge; result: Counted }[] = [];
    try {
      for (const charge of charges) {
        const result = await charge.counter.consume(identity, charge.points);
        charged.push({ charge, result });
        if (result.consumedPoints > charge.rule.limit) {
          await refund(identity, charged);
          throw rateLimited(charge, result);
        }
      }
    } catch (error) {
      if (error instanceof TokenHandlerError) throw error;
      if (onLimitStoreError === 'allow') {
        onError(error, context.request);
        return;
      }
      // Not awaited: a refund on a store that just failed may wait its own timeout, and the 503 need not.
      void refund(identity, charged);
      // Its cause goes to onError with the answer.
      throw new TokenHandlerError('limits_unavailable', 'Limits cannot be checked right now; try again shortly.', {
        cause: error,
        retryAfterSeconds: RETRY_SHORTLY_SECONDS,
      });
    }
  };
}

async function limitsFor(
  limits: TokenLimitsPolicy,
  limitStore: TokenLimitStore,
  context: TokenPolicyContext,
  deadline: Deadline,
): Promise<TokenLimits | null | undefined> {
  if (typeof limits !== 'function') return limits;
  const chosen = await deadline.within('limits()', () => limits(context.participant, context));
  const problem = chosen == null ? undefined : describeInvalidLimits(chosen, limitStore);
  // A programming error in the limits function, not the caller's fault: a plain Error becomes a 500.
  if (problem) throw new Error(`limits(participant) returned limits that are not valid: ${problem}.`);
  return chosen;
}

/**
 * What a request counts, agent dispatches first: a request the agent limit refuses then never
 * holds a token point, even for the moment before it is given back — a burst of agent requests
 * the agent limit mostly refuses would otherwise refuse token-only requests under the tokens limit.
 */
async function chargesFor(
  { tokens, agentDispatches }: TokenLimits,
  plan: TokenPlan,
  counter: (name: string, windowSeconds: number) => Promise<LimitCounter>,
): Promise<Charge[]> {
  const charges: Charge[] = [];
  if (agentDispatches && plan.agents.length > 0) {
    const dispatches = await counter('agentDispatches', agentDispatches.windowSeconds);
    charges.push({ what: 'agent dispatches', counter: dispatches, points: plan.agents.length, rule: agentDispatches });
  }
  if (tokens) charges.push({ what: 'tokens', counter: await counter('tokens', tokens.windowSeconds), points: 1, rule: tokens });
  return charges;
}

/** Gives back what a refused request counted, to the windows it was counted in (see `LimitCounter.refund`). */
async function refund(identity: string, charged: readonly { charge: Charge; result: Counted }[]): Promise<void> {
  await Promise.all(charged.map(({ charge, result }) => charge.counter.refund(identity, charge.points, result)));
}

/** More than the caller may have in any window (only agents count more than 1 per token): no wait helps, so not a 429. */
function neverAllowed({ points, rule }: Charge): TokenHandlerError {
  return new TokenHandlerError(
    'invalid_body',
    `The token request is invalid — room_config.agents: ${points} agent dispatches, more than this caller may have in any window (at most ${rule.limit} every ${rule.windowSeconds} s).`,
  );
}

function rateLimited({ what, rule }: Charge, result: Counted): TokenHandlerError {
  const retryAfterSeconds = Math.max(1, Math.ceil(result.msBeforeNext / 1000));
  return new TokenHandlerError(
    'rate_limited',
    `Too many ${what} for this caller: at most ${rule.limit} every ${rule.windowSeconds} s. Try again in ${retryAfterSeconds} s.`,
    { retryAfterSeconds },
  );
}
