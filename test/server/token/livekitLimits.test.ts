import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { livekitLimits } from '../../../src/core/livekitLimits';
import { propertyRuns } from '../../helpers/propertyRuns';

/** Runs and seed of both properties (fast-check's 100, a random seed): raise or replay with `LIVEKIT_LIMITS_PROPERTY_RUNS` / `LIVEKIT_LIMITS_PROPERTY_SEED`. */
const RUNS = propertyRuns('LIVEKIT_LIMITS_PROPERTY', 100);

describe('livekitLimits.fits', () => {
  it.each([
    ['', 0, true],
    ['a', 0, false],
    ['r'.repeat(256), 256, true],
    ['r'.repeat(257), 256, false],
    ['é'.repeat(128), 256, true],
    ['é'.repeat(129), 256, false],
    ['€'.repeat(85), 256, true],
    ['€'.repeat(86), 256, false],
    ['😀'.repeat(64), 256, true],
    ['😀'.repeat(65), 256, false],
  ])('measures %j against %d bytes as %s', (text, maxBytes, expected) => {
    expect(livekitLimits.fits(text, maxBytes)).toBe(expected);
  });

  it('agrees with the UTF-8 encoding for any string and limit', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), fc.nat(400), (text, maxBytes) => {
        expect(livekitLimits.fits(text, maxBytes)).toBe(new TextEncoder().encode(text).length <= maxBytes);
      }),
      RUNS,
    );
  });
});

describe('livekitLimits.fits, without encoding what its length decides', () => {
  it.each([
    ['three bytes per unit could not pass the limit', 'abc', 9, true],
    ['more units than bytes allowed', 'abcd', 3, false],
  ])('encodes nothing when %s', (_, text, maxBytes, expected) => {
    const encode = vi.spyOn(TextEncoder.prototype, 'encode');
    expect(livekitLimits.fits(text, maxBytes)).toBe(expected);
    expect(encode).not.toHaveBeenCalled();
    encode.mockRestore();
  });
});

describe('livekitLimits.attributesFit', () => {
  it('counts keys and values together, in UTF-8 bytes', () => {
    expect(livekitLimits.attributesFit({ k: 'v'.repeat(64 * 1024 - 1) })).toBe(true);
    expect(livekitLimits.attributesFit({ k: 'v'.repeat(64 * 1024) })).toBe(false);
    expect(livekitLimits.attributesFit({ a: 'é'.repeat(16 * 1024), b: 'é'.repeat(16 * 1024 - 1) })).toBe(true); // 65 534 + 2 bytes
    expect(livekitLimits.attributesFit({ a: 'é'.repeat(16 * 1024), b: 'é'.repeat(16 * 1024) })).toBe(false);
  });

  it('agrees with the UTF-8 encoding for any attributes, near the limit or far from it', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    const bytes = (text: string) => new TextEncoder().encode(text).length;
    fc.assert(
      fc.property(fc.dictionary(text, text, { maxKeys: 8 }), fc.integer({ min: 0, max: 66_000 }), (attributes, fill) => {
        const all = { ...attributes, fill: 'p'.repeat(fill) };
        const total = Object.entries(all).reduce((sum, [key, value]) => sum + bytes(key) + bytes(value), 0);
        expect(livekitLimits.attributesFit(all)).toBe(total <= 64 * 1024);
      }),
      RUNS,
    );
  });

  // A 16 KiB body holds about 1 800 attributes: encoding each key and value cost about 6 ms.
  it('encodes nothing when the attributes cannot reach the limit at three bytes per UTF-16 unit', () => {
    const encode = vi.spyOn(TextEncoder.prototype, 'encode');
    const attributes = Object.fromEntries(Array.from({ length: 1_500 }, (_, index) => [`key${index}`, 'é😀']));
    expect(livekitLimits.attributesFit(attributes)).toBe(true);
    expect(encode).not.toHaveBeenCalled();
    encode.mockRestore();
  });

  it('encodes nothing when the attributes are over the limit in UTF-16 units already', () => {
    const encode = vi.spyOn(TextEncoder.prototype, 'encode');
    expect(livekitLimits.attributesFit({ a: 'x'.repeat(32 * 1024), b: 'y'.repeat(32 * 1024) })).toBe(false);
    expect(encode).not.toHaveBeenCalled();
    encode.mockRestore();
  });
});
