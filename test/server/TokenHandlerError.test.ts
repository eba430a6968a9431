// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { TokenHandlerError, type TokenHandlerErrorCode } from '../../src/server/TokenHandlerError';

describe('TokenHandlerError', () => {
  it.each<[TokenHandlerErrorCode, number]>([
    ['body_too_large', 400],
    ['invalid_json', 400],
    ['invalid_body', 400],
    ['unauthorized', 401],
    ['forbidden', 403],
    ['identity_not_allowed', 403],
    ['room_not_allowed', 403],
    ['agent_not_allowed', 403],
    ['attribute_not_allowed', 403],
    ['method_not_allowed', 405],
    ['request_timeout', 408],
    ['unsupported_media_type', 415],
    ['rate_limited', 429],
    ['internal_error', 500],
    ['limits_unavailable', 503],
    ['authorize_timeout', 503],
  ])('gives %s the status %i', (code, status) => {
    expect(new TokenHandlerError(code, 'x')).toMatchObject({ code, status });
  });

  it('is an Error named TokenHandlerError, with the message it was given', () => {
    const error = new TokenHandlerError('forbidden', 'Calls are for members.');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TokenHandlerError');
    expect(error.message).toBe('Calls are for members.');
    expect(String(error)).toBe('TokenHandlerError: Calls are for members.');
  });

  it('keeps a cause, and has none when not given one', () => {
    const cause = new Error('session store down');
    expect(new TokenHandlerError('unauthorized', 'x', { cause }).cause).toBe(cause);
    expect(new TokenHandlerError('unauthorized', 'x')).not.toHaveProperty('cause');
    expect(new TokenHandlerError('unauthorized', 'x', { cause: undefined })).not.toHaveProperty('cause');
  });

  it('carries retryAfterSeconds when given', () => {
    expect(new TokenHandlerError('rate_limited', 'x', { retryAfterSeconds: 30 }).retryAfterSeconds).toBe(30);
    expect(new TokenHandlerError('rate_limited', 'x').retryAfterSeconds).toBeUndefined();
  });
});
