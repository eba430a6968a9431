// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBodyStream } from '../../../src/server/request/readBodyStream';
import { TokenHandlerError } from '../../../src/server/TokenHandlerError';
import { propertyRuns } from '../../helpers/propertyRuns';

/** Runs and seed of the property (fast-check's 100, a random seed): raise or replay with `READ_BODY_STREAM_PROPERTY_RUNS` / `READ_BODY_STREAM_PROPERTY_SEED`. */
const RUNS = propertyRuns('READ_BODY_STREAM_PROPERTY', 100);

/** A body stream that delivers `chunks`, and records whether it was cancelled. */
function body(chunks: Uint8Array[]) {
  const state = { cancelled: false };
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
    cancel: () => void (state.cancelled = true),
  });
  return { reader: stream.getReader(), state };
}

const bytes = (length: number) => new Uint8Array(length).fill(0x61);

describe('readBodyStream', () => {
  it('reads a body without a stream (no body at all) as no bytes', async () => {
    expect(await readBodyStream(undefined, 100)).toEqual(new Uint8Array(0));
  });

  it('joins the chunks of a body within the limit, whatever their sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 1 })), async (chunks) => {
        const all = chunks.flatMap((chunk) => [...chunk]);
        const read = await readBodyStream(body(chunks).reader, all.length);
        expect([...read]).toEqual(all);
      }),
      RUNS,
    );
  });

  it('accepts a body of exactly maxBytes', async () => {
    expect((await readBodyStream(body([bytes(60), bytes(40)]).reader, 100)).byteLength).toBe(100);
  });

  it('refuses the byte that crosses maxBytes with body_too_large, and cancels the rest of the stream', async () => {
    const { reader, state } = body([bytes(60), bytes(41), bytes(1000)]);
    const refusal = readBodyStream(reader, 100);
    await expect(refusal).rejects.toBeInstanceOf(TokenHandlerError);
    await expect(refusal).rejects.toMatchObject({ code: 'body_too_large', message: expect.stringMatching(/100 bytes/) });
    expect(state.cancelled).toBe(true);
  });

  it('turns a stream that breaks into invalid_json: the body could not be read to its end', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes(3));
        controller.error(new Error('connection reset'));
      },
    });
    await expect(readBodyStream(stream.getReader(), 100)).rejects.toMatchObject({
      code: 'invalid_json',
      message: expect.stringMatching(/could not be read to its end/),
    });
  });
});
