// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { tokenRequestSchema } from '../../../src/server/request/tokenRequestSchema';

const KIB = 1024;

/** The parsed body, or the test fails with zod's issues. */
function parse(body: unknown) {
  const result = tokenRequestSchema.safeParse(body);
  if (!result.success) throw new Error(`expected a valid body, got ${JSON.stringify(result.error.issues).slice(0, 300)}`);
  return result.data;
}

/** The refusal's issues as `path: message`. */
function issues(body: unknown): string[] {
  const result = tokenRequestSchema.safeParse(body);
  if (result.success) throw new Error(`expected an invalid body, got ${JSON.stringify(result.data).slice(0, 300)}`);
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('tokenRequestSchema: field names', () => {
  const standupRequest = {
    roomName: 'standup',
    participantName: 'Alice',
    participantIdentity: 'alice',
    participantMetadata: '{"a":1}',
    participantAttributes: { team: 'blue' },
    agents: [{ agentName: 'notes', metadata: 'm', deployment: 'prod' }],
  };

  it('reads LiveKit’s snake_case body into a camelCase request', () => {
    expect(
      parse({
        room_name: 'standup',
        participant_name: 'Alice',
        participant_identity: 'alice',
        participant_metadata: '{"a":1}',
        participant_attributes: { team: 'blue' },
        room_config: { agents: [{ agent_name: 'notes', metadata: 'm', deployment: 'prod' }] },
      }),
    ).toStrictEqual(standupRequest);
  });

  it('reads the same body written in camelCase', () => {
    expect(
      parse({
        roomName: 'standup',
        participantName: 'Alice',
        participantIdentity: 'alice',
        participantMetadata: '{"a":1}',
        participantAttributes: { team: 'blue' },
        roomConfig: { agents: [{ agentName: 'notes', metadata: 'm', deployment: 'prod' }] },
      }),
    ).toStrictEqual(standupRequest);
  });

  it('refuses a field sent in both spellings with two values, naming both; the same value twice is read once', () => {
    expect(
      issues({
        room_name: 'snake-room',
        roomName: 'camel-room',
        participant_name: 'Same',
        participantName: 'Same',
        room_config: { agents: [{ agent_name: 'snake-agent', agentName: 'camel-agent' }] },
      }),
    ).toEqual(['room_name: sent also as roomName, with another value: send one of the two']);
    expect(issues({ room_config: { agents: [{ agent_name: 'snake-agent', agentName: 'camel-agent' }] } })).toEqual([
      'room_config.agents.0.agent_name: sent also as agentName, with another value: send one of the two',
    ]);
    expect(
      parse({
        participant_name: 'Same',
        participantName: 'Same',
        participant_attributes: { a: '1', b: '2' },
        participantAttributes: { b: '2', a: '1' },
      }),
    ).toStrictEqual({
      participantName: 'Same',
      participantAttributes: { a: '1', b: '2' },
      agents: [],
    });
  });

  it('reads the camelCase key when the snake_case one is there but not set (null or empty, as protobuf JSON writes it)', () => {
    const parsed = parse({
      room_name: null,
      roomName: 'camel-room',
      participant_name: '',
      participantName: 'Camel',
      room_config: { agents: [{ agent_name: null, agentName: 'camel-agent' }] },
    });
    expect(parsed).toStrictEqual({ roomName: 'camel-room', participantName: 'Camel', agents: [{ agentName: 'camel-agent' }] });
  });

  it('drops unknown keys, and every room_config field but agents', () => {
    expect(
      parse({ room_name: 'r', role: 'admin', room_config: { max_participants: 1000, egress: { room: {} }, agents: [] } }),
    ).toStrictEqual({ roomName: 'r', agents: [] });
  });
});

describe('tokenRequestSchema: values that mean “not set”', () => {
  it('reads an empty object as a request with no field set', () => {
    expect(parse({})).toStrictEqual({ agents: [] });
  });

  it('drops empty strings, nulls and undefined values, as protobuf JSON does', () => {
    expect(
      parse({
        room_name: '',
        participant_name: null,
        participant_identity: undefined,
        participant_metadata: '',
        participant_attributes: null,
        room_config: null,
      }),
    ).toStrictEqual({ agents: [] });
  });

  it('drops an agent’s empty metadata and deployment, and reads a missing agent name as the empty name', () => {
    expect(parse({ room_config: { agents: [{ metadata: '', deployment: null }] } }).agents).toStrictEqual([{ agentName: '' }]);
    expect(parse({ room_config: { agents: [{ agent_name: null, metadata: 'm' }] } }).agents).toStrictEqual([
      { agentName: '', metadata: 'm' },
    ]);
  });

  it('keeps an empty attribute map (it is set, just empty)', () => {
    expect(parse({ participant_attributes: {} })).toStrictEqual({ participantAttributes: {}, agents: [] });
  });

  it('reads room_config without agents, or with agents null, as no agent', () => {
    expect(parse({ room_config: {} }).agents).toEqual([]);
    expect(parse({ room_config: { agents: null } }).agents).toEqual([]);
  });
});

describe('tokenRequestSchema: what is not a token request', () => {
  it.each([
    ['null', null],
    ['an array', []],
    ['an array of pairs', [['room_name', 'r']]],
    ['a string', 'hello'],
    ['a number', 42],
    ['a boolean', true],
  ])('refuses %s as the body, at the body itself', (_, body) => {
    expect(issues(body)).toEqual([expect.stringMatching(/^: .*expected object/)]);
  });

  it('refuses an agent that is not an object', () => {
    expect(issues({ room_config: { agents: ['notes'] } })).toEqual([expect.stringMatching(/^room_config\.agents\.0: .*expected object/)]);
  });

  // A refusal shows its first few issues; zod makes each one (a few µs) before authorize runs.
  it('stops at the first bad agents, however many follow them', () => {
    const found = issues({ room_config: { agents: [{ agent_name: 'notes' }, ...Array<unknown>(8_000).fill(1)] } });
    expect(found[0]).toMatch(/^room_config\.agents\.1: .*expected object/);
    expect(found.length).toBeLessThanOrEqual(64);
  });

  it('names a bad agent by its place in the whole list, however far down it is', () => {
    expect(issues({ room_config: { agents: [...Array<unknown>(200).fill({ agent_name: 'notes' }), 5] } })).toEqual([
      expect.stringMatching(/^room_config\.agents\.200: .*expected object/),
    ]);
  });

  it('names every field of the wrong type', () => {
    expect(
      issues({
        room_name: 1,
        participant_name: false,
        participant_identity: [],
        participant_metadata: {},
        participant_attributes: { team: 7 },
        room_config: { agents: [{ agent_name: 5 }] },
      }).map((issue) => issue.split(':')[0]),
    ).toEqual([
      'room_name',
      'participant_name',
      'participant_identity',
      'participant_metadata',
      'participant_attributes.team',
      'room_config.agents.0.agent_name',
    ]);
  });

  it.each([
    ['a string', '{"participant_attributes":{"__proto__":"x","team":"blue"}}'],
    ['an object, which is not even an attribute value', '{"participant_attributes":{"__proto__":{"role":"admin"}}}'],
  ])('refuses an attribute named __proto__ with %s, rather than dropping it unseen', (_, json) => {
    // As JSON.parse reads a request body: `__proto__` is an own key there, not the prototype.
    expect(issues(JSON.parse(json))).toEqual(['participant_attributes: must not have a key named "__proto__"']);
  });

  it('keeps attribute keys that only look like Object.prototype members', () => {
    const attributes = JSON.parse('{"constructor":"a","toString":"b","hasOwnProperty":"c"}') as Record<string, string>;
    expect(parse({ participant_attributes: attributes }).participantAttributes).toStrictEqual(attributes);
  });
});

describe('tokenRequestSchema: LiveKit’s limits', () => {
  const names = [
    ['room_name', (value: string) => ({ room_name: value })],
    ['participant_name', (value: string) => ({ participant_name: value })],
    ['participant_identity', (value: string) => ({ participant_identity: value })],
    ['room_config.agents.0.agent_name', (value: string) => ({ room_config: { agents: [{ agent_name: value }] } })],
    ['room_config.agents.0.deployment', (value: string) => ({ room_config: { agents: [{ agent_name: 'a', deployment: value }] } })],
  ] as const;

  it.each(names)('accepts a %s of 256 bytes of UTF-8', (_, body) => {
    expect(() => parse(body('r'.repeat(256)))).not.toThrow();
    expect(() => parse(body('é'.repeat(128)))).not.toThrow();
    expect(() => parse(body('😀'.repeat(64)))).not.toThrow();
  });

  it.each(names)('refuses a %s of 257 bytes, saying the limit', (path, body) => {
    expect(issues(body('r'.repeat(257)))).toEqual([`${path}: must be at most 256 bytes of UTF-8`]);
  });

  it.each(names)('counts a %s in UTF-8 bytes as LiveKit does (Go’s len), not characters', (path, body) => {
    expect(issues(body('é'.repeat(129)))).toEqual([`${path}: must be at most 256 bytes of UTF-8`]);
    expect(issues(body('€'.repeat(86)))).toEqual([`${path}: must be at most 256 bytes of UTF-8`]);
  });

  const metadata = [
    ['participant_metadata', (value: string) => ({ participant_metadata: value })],
    ['room_config.agents.0.metadata', (value: string) => ({ room_config: { agents: [{ agent_name: 'a', metadata: value }] } })],
  ] as const;

  it.each(metadata)('accepts a %s of exactly 512 KiB', (_, body) => {
    expect(() => parse(body('m'.repeat(512 * KIB)))).not.toThrow();
  });

  it.each(metadata)('refuses a %s one byte over 512 KiB, saying the limit in bytes', (path, body) => {
    expect(issues(body('m'.repeat(512 * KIB + 1)))).toEqual([`${path}: must be at most 524288 bytes`]);
  });

  it.each(metadata)('counts a %s in UTF-8 bytes, not characters', (_, body) => {
    expect(() => parse(body('é'.repeat(256 * KIB)))).not.toThrow(); // 512 KiB of two-byte characters
    expect(issues(body('é'.repeat(256 * KIB + 1)))).toHaveLength(1);
  });

  it('accepts participant_attributes of exactly 64 KiB, keys and values together', () => {
    expect(() => parse({ participant_attributes: { k: 'v'.repeat(64 * KIB - 1) } })).not.toThrow();
    expect(() => parse({ participant_attributes: { a: 'x'.repeat(32 * KIB - 1), b: 'y'.repeat(32 * KIB - 1) } })).not.toThrow();
  });

  it('refuses participant_attributes one byte over 64 KiB in total, saying the limit', () => {
    expect(issues({ participant_attributes: { k: 'v'.repeat(64 * KIB) } })).toEqual([
      'participant_attributes: must be at most 65536 bytes in total',
    ]);
    expect(issues({ participant_attributes: { a: 'x'.repeat(32 * KIB), b: 'y'.repeat(32 * KIB - 1) } })).toHaveLength(1);
  });

  it('counts the attribute keys, in UTF-8 bytes', () => {
    expect(issues({ participant_attributes: { ['k'.repeat(32 * KIB)]: 'v'.repeat(32 * KIB + 1) } })).toHaveLength(1);
    expect(issues({ participant_attributes: { ['é'.repeat(16 * KIB)]: 'v'.repeat(32 * KIB + 1) } })).toHaveLength(1);
    expect(() => parse({ participant_attributes: { ['é'.repeat(16 * KIB)]: 'v'.repeat(32 * KIB) } })).not.toThrow();
  });
});

// LiveKit's server decodes a token with Go's encoding/json, which reads each lone surrogate as
// U+FFFD: "team-\uD800" and "team-\uD801" would be two rooms to a policy and one room to LiveKit.
describe('tokenRequestSchema: text that is not well-formed UTF-16', () => {
  const fields = [
    ['room_name', (value: string) => ({ room_name: value })],
    ['participant_name', (value: string) => ({ participant_name: value })],
    ['participant_identity', (value: string) => ({ participant_identity: value })],
    ['participant_metadata', (value: string) => ({ participant_metadata: value })],
    ['participant_attributes.team', (value: string) => ({ participant_attributes: { team: value } })],
    ['participant_attributes', (value: string) => ({ participant_attributes: { [`team${value}`]: 'blue' } })],
    ['room_config.agents.0.agent_name', (value: string) => ({ room_config: { agents: [{ agent_name: value }] } })],
    ['room_config.agents.0.metadata', (value: string) => ({ room_config: { agents: [{ agent_name: 'a', metadata: value }] } })],
    ['room_config.agents.0.deployment', (value: string) => ({ room_config: { agents: [{ agent_name: 'a', deployment: value }] } })],
  ] as const;
  const loneSurrogates = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uDE00\uD83D', '\uD83D'.repeat(300)];

  it.each(fields)('refuses a %s holding a lone surrogate, naming the field', (path, body) => {
    for (const lone of loneSurrogates) {
      expect(issues(body(`team-${lone}`))).toEqual([`${path}: ${wellFormedMessage(path)}`]);
    }
  });

  it('refuses a camelCase field the same way, naming it as LiveKit spells it', () => {
    expect(issues({ roomName: 'team-\uD800' })).toEqual([`room_name: ${wellFormedMessage('room_name')}`]);
  });

  it.each(fields)('accepts a %s with surrogate pairs and line separators, unchanged', (_, body) => {
    expect(() => parse(body('team-😀\u2028\u2029'))).not.toThrow();
  });

  it('carries such text into the request as it was sent, and control characters in metadata and attributes', () => {
    const text = 'team-😀\u2028';
    const free = `${text}\u0000\u001B\n`;
    expect(parse({ room_name: text, participant_metadata: free, participant_attributes: { [free]: free } })).toMatchObject({
      roomName: text,
      participantMetadata: free,
      participantAttributes: { [free]: free },
    });
  });
});

/** What a refusal says about text with a lone surrogate: a key of the attributes, or a value. */
function wellFormedMessage(path: string): string {
  return path === 'participant_attributes'
    ? 'every key must be well-formed UTF-16, with no lone surrogate (\\uD800–\\uDFFF), which LiveKit would read as U+FFFD'
    : 'must be well-formed UTF-16, with no lone surrogate (\\uD800–\\uDFFF), which LiveKit would read as U+FFFD';
}

describe('tokenRequestSchema: repeated agents', () => {
  it('collapses an agent asked for twice, keeping the first', () => {
    expect(
      parse({
        room_config: {
          agents: [
            { agent_name: 'notes', metadata: 'm' },
            { agentName: 'notes', metadata: 'm' },
            { agent_name: 'notes', metadata: 'm', deployment: '' },
          ],
        },
      }).agents,
    ).toStrictEqual([{ agentName: 'notes', metadata: 'm' }]);
  });

  it('keeps agents that differ in name, metadata or deployment, in the order asked', () => {
    expect(
      parse({
        room_config: {
          agents: [
            { agent_name: 'notes' },
            { agent_name: 'support' },
            { agent_name: 'notes', metadata: 'm' },
            { agent_name: 'notes', deployment: 'prod' },
            { agent_name: 'notes', metadata: 'm', deployment: 'prod' },
          ],
        },
      }).agents,
    ).toStrictEqual([
      { agentName: 'notes' },
      { agentName: 'support' },
      { agentName: 'notes', metadata: 'm' },
      { agentName: 'notes', deployment: 'prod' },
      { agentName: 'notes', metadata: 'm', deployment: 'prod' },
    ]);
  });

  it('does not mistake metadata for a deployment of the same text', () => {
    expect(
      parse({
        room_config: {
          agents: [
            { agent_name: 'notes', metadata: 'x' },
            { agent_name: 'notes', deployment: 'x' },
          ],
        },
      }).agents,
    ).toHaveLength(2);
  });
});
