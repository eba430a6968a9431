import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeOptions, requestKey } from '../../src/core/normalizeOptions.js';
import { createCustomTokenSource } from '../../src/core/createCustomTokenSource.js';
import type { TokenFetchOptions } from '../../src/core/types.js';
import { mintingGenerator } from '../helpers/generators.js';
import { propertyRuns } from '../helpers/propertyRuns.js';

/** Runs and seed of the property (fast-check's 100, a random seed): raise or replay with `NORMALIZE_OPTIONS_PROPERTY_RUNS` / `NORMALIZE_OPTIONS_PROPERTY_SEED`. */
const RUNS = propertyRuns('NORMALIZE_OPTIONS_PROPERTY', 100);

/** What an app sees when it passes a fetch option of the wrong type (an easy slip from plain JavaScript). */
async function invalidOptionsMessage(options: Record<string, unknown>): Promise<string> {
  const source = createCustomTokenSource(mintingGenerator());
  const error = await source.fetch(options as TokenFetchOptions).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'invalid_options' });
  return (error as Error).message;
}

describe('invalid fetch options are described, not printed', () => {
  it('names a function as a function, without its source text', async () => {
    const getRoom = () => 'standup-from-a-function-body';
    const message = await invalidOptionsMessage({ roomName: getRoom });
    expect(message).toBe('Token fetch option `roomName` must be a string, got a function.');
  });

  it('names a symbol by its description', async () => {
    const message = await invalidOptionsMessage({ participantIdentity: Symbol('ada') });
    expect(message).toBe('Token fetch option `participantIdentity` must be a string, got Symbol(ada).');
  });

  it('names objects, arrays and primitives as before', async () => {
    expect(await invalidOptionsMessage({ roomName: { name: 'standup' } })).toBe(
      'Token fetch option `roomName` must be a string, got an object.',
    );
    expect(await invalidOptionsMessage({ roomName: ['standup'] })).toBe('Token fetch option `roomName` must be a string, got an array.');
    expect(await invalidOptionsMessage({ participantAttributes: { team: 7 } })).toBe(
      'Token fetch option `participantAttributes.team` must be a string, got number 7.',
    );
  });
});

// LiveKit's server reads a token with Go's encoding/json, which turns a lone surrogate into U+FFFD: a
// token minted for "team-\uD800" names room "team-\uFFFD". Refused before any fetch, not found out
// after one as a mismatch (or a 400 from the token endpoint).
describe('a fetch option with a lone surrogate is refused before any fetch', () => {
  const lone = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uDE00\uD83D', 'ok\uD83D'];

  it.each(['roomName', 'participantIdentity', 'participantName', 'participantMetadata', 'agentName', 'agentMetadata', 'deployment'])(
    'refuses a %s holding one with invalid_options naming the option, without calling the generator',
    async (key) => {
      for (const text of lone) {
        const generator = mintingGenerator();
        const error = await createCustomTokenSource(generator)
          .fetch({ [key]: `team-${text}` })
          .catch((e: unknown) => e);
        expect(error).toMatchObject({
          code: 'invalid_options',
          message: `Token fetch option \`${key}\` has a lone surrogate, which LiveKit reads as U+FFFD.`,
        });
        expect(generator).not.toHaveBeenCalled();
      }
    },
  );

  it('refuses an attribute name or value holding one, naming the attribute', async () => {
    expect(await invalidOptionsMessage({ participantAttributes: { team: 'a\uD800' } })).toBe(
      'Token fetch option `participantAttributes.team` has a lone surrogate, which LiveKit reads as U+FFFD.',
    );
    expect(await invalidOptionsMessage({ participantAttributes: { ['te\uDC00am']: 'a' } })).toBe(
      'Token fetch option `participantAttributes` has a lone surrogate, which LiveKit reads as U+FFFD.',
    );
  });

  it('keeps surrogate pairs (emoji, characters past the BMP) as they are', () => {
    expect(normalizeOptions({ roomName: 'team-\u{1F600}', participantAttributes: { ['\u{10000}']: '\u{1F600}' } })).toStrictEqual({
      roomName: 'team-\u{1F600}',
      participantAttributes: { ['\u{10000}']: '\u{1F600}' },
    });
  });
});

describe('normalizeOptions: the request a generator receives', () => {
  it('keeps the known string options and nothing else, with no key for an option left out', () => {
    const request = normalizeOptions({ roomName: 'standup', participantName: 'Ada', extra: 'ignored' } as TokenFetchOptions);
    expect(request).toStrictEqual({ roomName: 'standup', participantName: 'Ada' });
  });

  it('treats an option set to undefined or null as not given', () => {
    expect(
      normalizeOptions({ roomName: undefined, participantIdentity: null, participantAttributes: null } as unknown as TokenFetchOptions),
    ).toStrictEqual({});
    expect(normalizeOptions(undefined)).toStrictEqual({});
  });

  it('drops attributes set to undefined, as options set to undefined are ({ team: props.team } without a team)', () => {
    expect(normalizeOptions({ participantAttributes: { team: undefined } } as unknown as TokenFetchOptions)).toStrictEqual({});
    expect(
      normalizeOptions({ participantAttributes: { team: undefined, desk: '4' } } as unknown as TokenFetchOptions).participantAttributes,
    ).toStrictEqual({ desk: '4' });
  });

  it('drops an empty attribute map and sorts attributes by name', () => {
    expect(normalizeOptions({ participantAttributes: {} })).toStrictEqual({});
    expect(Object.keys(normalizeOptions({ participantAttributes: { b: '2', c: '3', a: '1' } }).participantAttributes ?? {})).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('gives options that mean the same thing the same requestKey, whatever their attribute order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string(), { minKeys: 1 }), fc.boolean(), (attributes, withRoom) => {
        const reversed = Object.fromEntries(Object.entries(attributes).reverse());
        const room = withRoom ? { roomName: 'standup', participantName: undefined } : {};
        expect(requestKey(normalizeOptions({ ...room, participantAttributes: reversed }))).toBe(
          requestKey(normalizeOptions({ participantAttributes: attributes, ...(withRoom ? { roomName: 'standup' } : {}) })),
        );
      }),
      RUNS,
    );
  });

  it.each([
    ['a string', 'team=blue', 'string team=blue'],
    ['an array', [['team', 'blue']], 'an array'],
  ])('refuses participantAttributes given as %s', async (_, participantAttributes, described) => {
    expect(await invalidOptionsMessage({ participantAttributes })).toBe(
      `Token fetch option \`participantAttributes\` must be an object of strings, got ${described}.`,
    );
  });

  it('names a null attribute value as null', async () => {
    expect(await invalidOptionsMessage({ participantAttributes: { team: null } })).toBe(
      'Token fetch option `participantAttributes.team` must be a string, got null.',
    );
  });

  it.each([
    [{ agentName: 'helper' }, { agentName: 'helper' }],
    [{ agentMetadata: '{"lang":"en"}' }, { metadata: '{"lang":"en"}' }],
    [{ deployment: 'staging' }, { deployment: 'staging' }],
    [
      { agentName: 'helper', agentMetadata: '{}', deployment: 'staging' },
      { agentName: 'helper', metadata: '{}', deployment: 'staging' },
    ],
  ])('packages the agent options %j as roomConfig with exactly %j', (options, agent) => {
    expect(normalizeOptions(options).roomConfig).toStrictEqual({ agents: [agent] });
  });

  it('freezes the request all the way down, so a generator cannot change a cached request', () => {
    const request = normalizeOptions({ roomName: 'r', participantAttributes: { a: '1' }, agentName: 'helper' });
    expect(Object.isFrozen(request)).toBe(true);
    expect(Object.isFrozen(request.participantAttributes)).toBe(true);
    expect(Object.isFrozen(request.roomConfig)).toBe(true);
    expect(Object.isFrozen(request.roomConfig?.agents)).toBe(true);
    expect(Object.isFrozen(request.roomConfig?.agents?.[0])).toBe(true);
  });
});
