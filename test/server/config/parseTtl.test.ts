// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTtl } from '../../../src/server/config/parseTtl';
import { propertyRuns } from '../../helpers/propertyRuns';

/** Runs and seed of the property (fast-check's 100, a random seed): raise or replay with `PARSE_TTL_PROPERTY_RUNS` / `PARSE_TTL_PROPERTY_SEED`. */
const RUNS = propertyRuns('PARSE_TTL_PROPERTY', 100);

describe('parseTtl: numbers of seconds', () => {
  it('returns a whole number of seconds as it is', () => {
    expect(parseTtl(90)).toBe(90);
  });

  it('accepts the bounds, 1 s and 24 h', () => {
    expect(parseTtl(1)).toBe(1);
    expect(parseTtl(86_400)).toBe(86_400);
  });

  it('rounds a fractional number of seconds to the nearest whole second', () => {
    expect(parseTtl(89.6)).toBe(90);
    expect(parseTtl(1.4)).toBe(1);
  });

  it.each([0, 0.4, 0.5, 0.999, -1, 86_401, 86_400.5, 86_400.2, Number.NaN, Number.POSITIVE_INFINITY])(
    'throws a TypeError naming %s, outside 1 s to 24 h before any rounding',
    (ttl) => {
      expect(() => parseTtl(ttl)).toThrow(TypeError);
      expect(() => parseTtl(ttl)).toThrow(`got ${String(ttl)}.`);
    },
  );

  it('accepts every whole number of seconds from 1 s to 24 h', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 86_400 }), (seconds) => parseTtl(seconds) === seconds),
      RUNS,
    );
  });
});

describe('parseTtl: duration strings', () => {
  it.each([
    ['90s', 90],
    ['1 sec', 1],
    ['30 secs', 30],
    ['1 second', 1],
    ['45 seconds', 45],
    ['10m', 600],
    ['1 min', 60],
    ['5 mins', 300],
    ['1 minute', 60],
    ['15 minutes', 900],
    ['2h', 7200],
    ['1 hr', 3600],
    ['3 hrs', 10_800],
    ['1 hour', 3600],
    ['12 hours', 43_200],
    ['1d', 86_400],
    ['1 day', 86_400],
    ['1 days', 86_400],
  ])('reads %s as %i seconds', (ttl, seconds) => {
    expect(parseTtl(ttl)).toBe(seconds);
  });

  it('reads decimals with any number of digits on either side of the point', () => {
    expect(parseTtl('1.5h')).toBe(5400);
    expect(parseTtl('1.25h')).toBe(4500);
    expect(parseTtl('10.5m')).toBe(630);
  });

  it('reads units in any case', () => {
    expect(parseTtl('10M')).toBe(600);
    expect(parseTtl('2 Hours')).toBe(7200);
    expect(parseTtl('1 DAY')).toBe(86_400);
  });

  it('ignores spaces around the duration', () => {
    expect(parseTtl(' 10m ')).toBe(600);
    expect(parseTtl('\t1h\n')).toBe(3600);
  });

  it('accepts the bounds, 1 s and 24 h, and rounds to whole seconds', () => {
    expect(parseTtl('1s')).toBe(1);
    expect(parseTtl('24h')).toBe(86_400);
    expect(parseTtl('1.5s')).toBe(2);
    expect(() => parseTtl('0.5s')).toThrow(TypeError);
  });

  it.each([
    ['a bare number in a string', '600'],
    ['a unit without a number', 'm'],
    ['two spaces before the unit', '10  m'],
    ['text before the duration', 'ttl 10m'],
    ['text after the duration', '10m later'],
    ['a unit jose knows but the handler does not (years, weeks)', '1 week'],
    ['a sign', '+10m'],
    ['a point without digits after it', '1.h'],
    ['a point without digits before it', '.5h'],
    ['over 24 hours', '25h'],
    ['under half a second', '0.4s'],
    ['an empty string', ''],
  ])('throws a TypeError for %s, showing the value in quotes', (_, ttl) => {
    expect(() => parseTtl(ttl)).toThrow(TypeError);
    expect(() => parseTtl(ttl)).toThrow(`got "${ttl}".`);
  });

  it('says what a valid ttl looks like', () => {
    expect(() => parseTtl('forever')).toThrow(/`ttl` must be a number of seconds or a duration such as '10m' or '1h', from 1 s to 24 h/);
  });

  it('throws for a value that is neither a number nor a string (from untyped JavaScript)', () => {
    expect(() => parseTtl(null as never)).toThrow(TypeError);
    expect(() => parseTtl(null as never)).toThrow('got null.');
    expect(() => parseTtl({ minutes: 10 } as never)).toThrow(TypeError);
  });
});
