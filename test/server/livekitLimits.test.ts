import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { livekitLimits } from '../../src/server/livekitLimits';

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
    );
  });
});

describe('livekitLimits.attributesFit', () => {
  it('counts keys and values together, in UTF-8 bytes', () => {
    expect(livekitLimits.attributesFit({ k: 'v'.repeat(64 * 1024 - 1) })).toBe(true);
    expect(livekitLimits.attributesFit({ k: 'v'.repeat(64 * 1024) })).toBe(false);
    expect(livekitLimits.attributesFit({ a: 'é'.repeat(16 * 1024), b: 'é'.repeat(16 * 1024 - 1) })).toBe(true); // 65 534 + 2 bytes
    expect(livekitLimits.attributesFit({ a: 'é'.repeat(16 * 1024), b: 'é'.repeat(16 * 1024) })).toBe(false);
  });
});
