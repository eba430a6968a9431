// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { bodyTooLarge } from '../../../src/server/request/bodyTooLarge';
import { TokenHandlerError } from '../../../src/server/TokenHandlerError';

describe('bodyTooLarge', () => {
  it('is a 400 body_too_large whose message names the limit in bytes', () => {
    const error = bodyTooLarge(16_384);
    expect(error).toBeInstanceOf(TokenHandlerError);
    expect([error.status, error.code]).toEqual([400, 'body_too_large']);
    expect(error.message).toMatch(/16384 bytes/);
  });
});
