import { describe, expect, it } from 'vitest';
import { CustomTokenError, isCustomTokenError, isRetryableStatus } from '../../src/core/errors';

describe('CustomTokenError', () => {
  it('is an Error named CustomTokenError, with its code and message', () => {
    const error = new CustomTokenError('expired', 'The token has already expired.');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CustomTokenError');
    expect(String(error)).toBe('CustomTokenError: The token has already expired.');
    expect(error).toMatchObject({ code: 'expired', message: 'The token has already expired.' });
  });

  it('carries status, serverCode, retryAfterMs, reason, failureReasons and cause as given', () => {
    const options = {
      cause: new TypeError('Failed to fetch'),
      status: 503,
      serverCode: 'limits_unavailable',
      retryAfterMs: 2_000,
      reason: 'ParticipantLeft',
      failureReasons: ['timeout waiting for agent'],
    };
    expect(new CustomTokenError('agent_failed', 'The agent left.', options)).toMatchObject(options);
  });

  it('has no failure reasons and no cause of its own when none are given', () => {
    const error = new CustomTokenError('mismatch', 'Wrong room.');
    expect(error.failureReasons).toEqual([]);
    expect(Object.hasOwn(error, 'cause')).toBe(false); // nothing to log as `[cause]: undefined`
    expect(error).toMatchObject({ status: undefined, serverCode: undefined, retryAfterMs: undefined, reason: undefined });
  });

  it.each([
    ['timeout', undefined, true],
    ['agent_failed', undefined, true],
    ['http', 500, true],
    ['http', 503, true],
    ['http', 429, true],
    ['http', 408, true],
    ['http', 404, false],
    ['http', 499, false],
    ['generator_failed', undefined, false],
    ['invalid_response', undefined, false],
  ] as const)('is retryable by default for %s with status %s: %s', (code, status, retryable) => {
    expect(new CustomTokenError(code, 'x', { status }).retryable).toBe(retryable);
  });

  it('takes an explicit retryable over the default', () => {
    expect(new CustomTokenError('timeout', 'x', { retryable: false }).retryable).toBe(false);
    expect(new CustomTokenError('http', 'x', { status: 400, retryable: true }).retryable).toBe(true);
  });
});

describe('isCustomTokenError', () => {
  it('recognises an instance', () => {
    expect(isCustomTokenError(new CustomTokenError('aborted', 'Aborted.'))).toBe(true);
  });

  it('recognises one thrown by another copy of the package: an Error named CustomTokenError with a code', () => {
    class OtherCopyError extends Error {
      override readonly name = 'CustomTokenError';
      readonly code = 'http';
    }
    expect(isCustomTokenError(new OtherCopyError('HTTP 500'))).toBe(true);
  });

  it.each([
    ['an Error named CustomTokenError without a code', Object.assign(new Error('x'), { name: 'CustomTokenError' })],
    ['an Error with a code but another name', Object.assign(new TypeError('x'), { code: 'http' })],
    ['a plain object that looks like one', { name: 'CustomTokenError', code: 'http', message: 'x' }],
    ['null', null],
    ['a string', 'CustomTokenError'],
  ])('rejects %s', (_, value) => {
    expect(isCustomTokenError(value)).toBe(false);
  });
});

describe('isRetryableStatus', () => {
  it('retries 408, 429 and 5xx, and nothing else (nor a missing status)', () => {
    expect([undefined, 200, 400, 401, 404, 407, 408, 409, 428, 429, 430, 499, 500, 503, 599].filter(isRetryableStatus)).toEqual([
      408, 429, 500, 503, 599,
    ]);
  });
});
