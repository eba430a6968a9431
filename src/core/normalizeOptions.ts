import type { RoomConfigurationObject } from 'livekit-client';
import { CustomTokenError } from './errors.js';
import type { TokenFetchOptions, TokenRequest } from './types.js';

/**
 * A lone surrogate (`"\uD800"`): with the `u` flag a pair is one code point, so only an unpaired
 * half matches. LiveKit's server reads a token with Go's `encoding/json`, which turns each into
 * U+FFFD: a token minted for room `"team-\uD800"` names `"team-\uFFFD"`, and the token endpoint
 * refuses it (400) or mints what was not asked for. A regular expression rather than
 * `String.prototype.isWellFormed`, which browsers before 2023 lack.
 */
const LONE_SURROGATE = /\p{Surrogate}/u;

const STRING_KEYS = [
  'roomName',
  'participantName',
  'participantIdentity',
  'participantMetadata',
  'agentName',
  'agentMetadata',
  'deployment',
] as const satisfies readonly (keyof TokenFetchOptions)[];

/**
 * Turns fetch options into the generator's request: known keys only, `undefined` and empty
 * attribute maps dropped, attributes sorted, and agent options packaged as `roomConfig`.
 * Unknown keys are ignored (LiveKit's own source throws on them). Two option objects that
 * mean the same thing give requests with the same {@link requestKey}.
 *
 * @throws {CustomTokenError} `invalid_options` for a known key with a non-string value, or text
 * with a lone surrogate (see {@link LONE_SURROGATE}).
 */
export function normalizeOptions(options: TokenFetchOptions | undefined): TokenRequest {
  const request: Record<string, unknown> = {};
  const source = (options ?? {}) as Record<string, unknown>;

  for (const key of STRING_KEYS) {
    const value = source[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      throw new CustomTokenError('invalid_options', `Token fetch option \`${key}\` must be a string, got ${describe(value)}.`);
    }
    checkWellFormed(key, value);
    request[key] = value;
  }

  const attributes = normalizeAttributes(source.participantAttributes);
  if (attributes) request.participantAttributes = attributes;

  const roomConfig = packageRoomConfig(request);
  if (roomConfig) request.roomConfig = roomConfig;

  return deepFreeze(request);
}

/** A stable string for a normalised request: equal options, equal keys. */
export function requestKey(request: TokenRequest): string {
  return JSON.stringify(request);
}

function normalizeAttributes(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new CustomTokenError(
      'invalid_options',
      `Token fetch option \`participantAttributes\` must be an object of strings, got ${describe(value)}.`,
    );
  }
  // An attribute set to undefined is not given, as an option set to undefined is.
  const entries = Object.entries(value as Record<string, unknown>).filter(([, attribute]) => attribute !== undefined);
  for (const [name, attribute] of entries) {
    if (typeof attribute !== 'string') {
      throw new CustomTokenError(
        'invalid_options',
        `Token fetch option \`participantAttributes.${name}\` must be a string, got ${describe(attribute)}.`,
      );
    }
    // A name's own surrogate is not in the message: it names the map.
    checkWellFormed('participantAttributes', name);
    checkWellFormed(`participantAttributes.${name}`, attribute);
  }
  if (entries.length === 0) return undefined;
  // By name, in the default sort's UTF-16 code-unit order, so equal maps give equal request keys.
  const names = entries.map(([name]) => name).sort();
  const attributes = Object.fromEntries(entries) as Record<string, string>;
  return Object.fromEntries(names.map((name) => [name, attributes[name]])) as Record<string, string>;
}

function checkWellFormed(option: string, value: string): void {
  if (LONE_SURROGATE.test(value)) {
    throw new CustomTokenError('invalid_options', `Token fetch option \`${option}\` has a lone surrogate, which LiveKit reads as U+FFFD.`);
  }
}

function packageRoomConfig(request: TokenRequest): RoomConfigurationObject | undefined {
  const { agentName, agentMetadata, deployment } = request;
  if (agentName === undefined && agentMetadata === undefined && deployment === undefined) return undefined;
  const agent: Record<string, string> = {};
  if (agentName !== undefined) agent.agentName = agentName;
  if (agentMetadata !== undefined) agent.metadata = agentMetadata;
  if (deployment !== undefined) agent.deployment = deployment;
  return { agents: [agent] };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function'; // not its source text
  if (typeof value === 'symbol') return value.toString();
  return `${typeof value} ${value as number | boolean | bigint}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
