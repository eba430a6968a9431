/// <reference lib="es2024.string" />
import { z } from 'zod';
import { livekitLimits } from '../../core/livekitLimits.js';
import type { RequestedAgent, TokenRequestBody } from '../types.js';

const WELL_FORMED = 'well-formed UTF-16, with no lone surrogate (\\uD800–\\uDFFF), which LiveKit would read as U+FFFD';

/**
 * A string as LiveKit will read it. JSON lets a client escape a lone surrogate (`"\uD800"`), and
 * LiveKit's server decodes the token with Go's `encoding/json`, which reads every one as U+FFFD:
 * `"team-\uD800"` and `"team-\uD801"` would be two rooms to a policy and one room to LiveKit.
 * `isWellFormed` is the cheapest check there is: one native scan (a third of what the token's own
 * `JSON.stringify` costs on the same text), and none for a one-byte (Latin-1) string on V8.
 */
const text = z.string().refine((value) => value.isWellFormed(), { message: `must be ${WELL_FORMED}`, abort: true });

/**
 * Unicode's control characters (Cc: C0, DEL and C1). LiveKit's server joins a room or identity
 * holding one as it is: `"alice\u0000"` and `"standup\n"` are another participant and another room,
 * which look like `alice` and `standup` wherever they are shown, break the lines of logs, and end
 * a C string early. A name is one line of text; metadata and attribute values are free text
 * (JSON written on several lines), and keep them.
 */
const CONTROL = /\p{Cc}/u;

const name = text
  .refine((value) => !CONTROL.test(value), {
    message: 'must have no control characters (U+0000–U+001F, U+007F–U+009F): a name is one line of text',
    abort: true,
  })
  .refine((value) => livekitLimits.fits(value, livekitLimits.nameBytes), `must be at most ${livekitLimits.nameBytes} bytes of UTF-8`)
  .nullish();
const metadata = text
  .refine((value) => livekitLimits.fits(value, livekitLimits.metadataBytes), `must be at most ${livekitLimits.metadataBytes} bytes`)
  .nullish();
/**
 * A key `__proto__` is refused before zod's record sees the map: the record skips that key (it
 * would set the prototype of the map it builds), so the attribute would vanish from the token
 * unseen, and every JavaScript client that reads attributes into an object would lose it too.
 */
const refuseProtoKey = (value: unknown, ctx: z.RefinementCtx) => {
  // Primitives have no such key (`Object('x')`), and pass as they are for the record to refuse.
  if (Object.hasOwn(Object(value) as object, '__proto__')) {
    ctx.addIssue({
      // Stryker disable next-line StringLiteral: only an issue's message and path reach the caller (handleTokenRequest's invalid_body message), never its code
      code: 'custom',
      message: 'must not have a key named "__proto__"',
      input: value,
    });
  }
  return value;
};

/** Attribute keys are checked here, not by the key schema: zod would say only "Invalid key", and the path would repeat the key. */
const attributes = z
  .preprocess(
    refuseProtoKey,
    z
      .record(z.string(), text)
      .refine((map) => Object.keys(map).every((key) => key.isWellFormed()), { message: `every key must be ${WELL_FORMED}`, abort: true })
      .refine((map) => livekitLimits.attributesFit(map), `must be at most ${livekitLimits.attributesBytes} bytes in total`),
  )
  .nullish();

/** Whether a value means "not set", as in protobuf JSON: absent, `null` or `''`. */
const isUnset = (value: unknown) => value === undefined || value === null || value === '';

/**
 * Copies camelCase keys to their snake_case names when the snake_case key is not set, and refuses
 * a field sent in both spellings with two values: neither may silently win over the other
 * (`participant_attributes: {}` beside a `participantAttributes` that sets a role). The same value
 * twice is read once. The body is copied only when a key changes: the standard (snake_case) body
 * passes as it is, which keeps a request several µs cheaper than copying it and adding keys by name.
 */
const acceptCamelCase = (aliases: Record<string, string>) => {
  const pairs = Object.entries(aliases);
  return (value: unknown, ctx: z.RefinementCtx) => {
    // `null`, arrays and primitives read as having none of these keys, and pass as they are for zod to refuse.
    const body = Object(value) as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const [camel, snake] of pairs) {
      if (isUnset(body[camel])) continue;
      if (isUnset(body[snake])) (copy ??= { ...body })[snake] = body[camel];
      else if (!sameJson(body[snake], body[camel], SAME_JSON_DEPTH)) {
        // Stryker disable next-line StringLiteral: only an issue's message and path reach the caller (handleTokenRequest's invalid_body message), never its code
        ctx.addIssue({
          code: 'custom',
          message: `sent also as ${camel}, with another value: send one of the two`,
          path: [snake],
          input: value,
        });
      }
    }
    return copy ?? value;
  };
};

/** How deep {@link sameJson} looks: `room_config.agents[0].agent_name` is 3 levels down; a deeper difference reads as one. */
const SAME_JSON_DEPTH = 8;

/** Whether two values parsed from JSON are the same, whatever their keys' order, to `depth` levels. */
function sameJson(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if (depth === 0 || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every(
      (key) => Object.hasOwn(b, key) && sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth - 1),
    )
  );
}

const agent = z.preprocess(acceptCamelCase({ agentName: 'agent_name' }), z.object({ agent_name: name, metadata, deployment: name }));

/** Agents parsed at a time: a list this long or shorter is parsed in one go, as zod would. */
const AGENTS_PER_SLICE = 64;
const agentSlice = z.array(agent);

/**
 * `room_config.agents`, parsed a slice at a time and no further than the first slice with a bad
 * entry. zod makes an issue for every bad entry — a few µs each, before `authorize` runs: 16 KiB
 * of `[1,1,…]` took about 500 times a valid request — and a refusal shows only the first few.
 */
const agents = z.array(z.unknown()).transform((list, ctx) => {
  const parsed: z.output<typeof agentSlice> = [];
  // Stryker disable next-line EqualityOperator: `<=` adds a last slice past the end, empty, which parses to no agents and no issue
  for (let start = 0; start < list.length; start += AGENTS_PER_SLICE) {
    const result = agentSlice.safeParse(list.slice(start, start + AGENTS_PER_SLICE));
    if (!result.success) {
      for (const { message, path } of result.error.issues) {
        // Stryker disable next-line StringLiteral: only an issue's message and path reach the caller (handleTokenRequest's invalid_body message), never its code
        ctx.issues.push({ code: 'custom', message, path: [start + Number(path[0]), ...path.slice(1)], input: list });
      }
      return z.NEVER;
    }
    parsed.push(...result.data);
  }
  return parsed;
});

const roomConfig = z.object({ agents: agents.nullish() }).nullish();

/** An object being built: its fields optional and writable. */
type Building<T> = { -readonly [K in keyof T]?: T[K] };

/**
 * Drops the values that mean "not set". Fields kept whatever they hold are set on the object this
 * returns, after these: spreading it into a new literal took V8's slow copy (about 1.9 µs a copy on Node 20).
 */
function compact(record: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key in record) if (!isUnset(record[key])) kept[key] = record[key];
  return kept;
}

/**
 * LiveKit's standard token endpoint body (`TokenSourceRequest`), snake_case or camelCase,
 * checked against LiveKit's limits and turned into a {@link TokenRequestBody}. Unknown keys
 * (and `room_config` fields other than `agents`) are dropped; repeated agents are collapsed.
 *
 * @example
 * ```ts
 * const parsed = tokenRequestSchema.safeParse({ room_name: 'standup', room_config: { agents: [{ agent_name: 'notes' }] } });
 * if (parsed.success) parsed.data.agents; // [{ agentName: 'notes' }]
 * ```
 */
export const tokenRequestSchema = z
  .preprocess(
    acceptCamelCase({
      roomName: 'room_name',
      participantName: 'participant_name',
      participantIdentity: 'participant_identity',
      participantMetadata: 'participant_metadata',
      participantAttributes: 'participant_attributes',
      roomConfig: 'room_config',
    }),
    z.object({
      room_name: name,
      participant_name: name,
      participant_identity: name,
      participant_metadata: metadata,
      participant_attributes: attributes,
      room_config: roomConfig,
    }),
  )
  .transform((raw): TokenRequestBody => {
    const body: Building<TokenRequestBody> = compact({
      roomName: raw.room_name,
      participantName: raw.participant_name,
      participantIdentity: raw.participant_identity,
      participantMetadata: raw.participant_metadata,
      participantAttributes: raw.participant_attributes,
    });
    body.agents = raw.room_config?.agents
      ? distinct(
          raw.room_config.agents.map((entry) => {
            const agent: Building<RequestedAgent> = compact({ metadata: entry.metadata, deployment: entry.deployment });
            agent.agentName = entry.agent_name ?? '';
            return agent as RequestedAgent;
          }),
        )
      : [];
    return body as TokenRequestBody;
  });

/**
 * Collapses repeated dispatches (same agent, metadata and deployment): LiveKit starts one job per entry.
 * An unset metadata or deployment is absent here (never `''`), and JSON writes it as `null`.
 */
function distinct(agents: RequestedAgent[]): RequestedAgent[] {
  const seen = new Set<string>();
  return agents.filter(({ agentName, metadata, deployment }) => {
    const key = JSON.stringify([agentName, metadata, deployment]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
