import { BodyReadBeforeError } from '../request/BodyReadBeforeError.js';
import type { NodeRequestLike } from './toNodeHandler.js';

/**
 * A {@link BodyReadBeforeError} when the request's stream was read to its end. Asked once
 * `hasParsedBody` has said no: with the stream read, `req.body` then holds nothing.
 *
 * @example
 * ```ts
 * const consumed = bodyReadBefore(req);
 * if (consumed) return Promise.reject(consumed);
 * ```
 */
export function bodyReadBefore(req: Pick<NodeRequestLike, 'readableEnded'>): BodyReadBeforeError | undefined {
  return req.readableEnded === true ? new BodyReadBeforeError() : undefined;
}
