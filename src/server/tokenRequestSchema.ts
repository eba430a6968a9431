import { z } from 'zod';
import { livekitLimits } from './livekitLimits.js';
import type { RequestedAgent, TokenRequestBody } from './types.js';

const name = z
  .string()
  .refine((text) => livekitLimits.fits(text, livekitLimits.nameBytes), `must be at most ${livekitLimits.nameBytes} bytes of UTF-8`)
  .nullish();
const metadata = z
  .string()
  .refine((text) => livekitLimits.fits(text, livekitLimits.metadataBytes), `must be at most ${livekitLimits.metadataBytes} bytes`)
  .nullish();
const attributes = z
  .record(z.string(), z.string())
  .refine((map) => livekitLimits.attributesFit(map), `must be at most ${livekitLimits.attributesBytes} bytes in total`)
  .nullish();

/** Whether a value means "not set", as in protobuf JSON: absent, `null` or `''`. */
const isUnset = (value: unknown) => value === undefined || value === null || value === '';

/**
 * Copies camelCase keys to their snake_case names when the snake_case key is not set. The body is
 * copied only when a key changes: the standard (snake_case) body passes as it is, which keeps a
 * request several µs cheaper than copying it and adding keys by name.
 */
const acceptCamelCase = (aliases: Record<string, string>) => {
  const pairs = Object.entries(aliases);
  return (value: unknown) => {
    // `null`, arrays and primitives read as having none of these keys, and pass as they are for zod to refuse.
    const body = Object(value) as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const [camel, snake] of pairs) {
      if (!isUnset(body[snake])) continue;
      // Stryker disable next-line ConditionalExpression: `true` copies a body that does not change (the same body, only slower); `false` loses a camelCase key (the null snake_case test catches it), but Stryker disables by mutator, not by replacement
      if (body[snake] !== body[camel]) (copy ??= { ...body })[snake] = body[camel];
    }
    return copy ?? value;
  };
};

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
  for (let start = 0; start < list.length; start += AGENTS_PER_SLICE) {
    const result = agentSlice.safeParse(list.slice(start, start + AGENTS_PER_SLICE));
    if (!result.success) {
      for (const { message, path } of result.error.issues) {
        ctx.issues.push({ code: 'custom', message, path: [start + Number(path[0]), ...path.slice(1)], input: list });
      }
      return z.NEVER;
    }
    parsed.push(...result.data);
  }
  return parsed;
});

const roomConfig = z.object({ agents: agents.nullish() }).nullish();

/** Drops the values that mean "not set". */
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
  .transform((raw): TokenRequestBody => ({
    ...compact({
      roomName: raw.room_name,
      participantName: raw.participant_name,
      participantIdentity: raw.participant_identity,
      participantMetadata: raw.participant_metadata,
      participantAttributes: raw.participant_attributes,
    }),
    agents: raw.room_config?.agents
      ? distinct(
          raw.room_config.agents.map((entry) => ({
            ...compact({ metadata: entry.metadata, deployment: entry.deployment }),
            agentName: entry.agent_name ?? '',
          })),
        )
      : [],
  }));

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
