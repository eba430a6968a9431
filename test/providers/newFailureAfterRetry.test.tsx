import { act, cleanup, screen } from '@testing-library/react';
import fc from 'fast-check';
import { DisconnectReason } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import type { CustomTokenError } from '../../src/core/errors';
import { serverDisconnects } from '../helpers/room';
import { scriptedWorld } from '../helpers/scriptedWorld';
import { renderSession } from './render';
import { propertyRuns } from '../helpers/propertyRuns';

/*
 * `onError`: "Called once per failed session or start … with its first cause". Starting again —
 * ErrorNotice's "Try again", or end() then start() — begins a new session: its failure is a new
 * one, reported, shown and announced as the first was, however the earlier one failed.
 */

type Failure = 'agent leaves' | 'room deleted' | 'server shuts down';
type StartAgain = 'Try again' | 'end() then start()';

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

afterEach(() => {
  vi.useRealTimers();
});

/** Runs of the property (25); raise them and pick the seed to explore: `NEW_FAILURE_PROPERTY_RUNS=250 NEW_FAILURE_PROPERTY_SEED=<seed>`. */
const { numRuns: RUNS, ...seed } = propertyRuns('NEW_FAILURE_PROPERTY', 25);

describe('CustomTokenSessionProvider: a session started again after a failure', () => {
  it('reports each session’s own failure: one onError per session, the error shown in a new alert', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            startAgain: fc.constantFrom<StartAgain>('Try again', 'end() then start()'),
            failures: fc.shuffledSubarray<Failure>(['agent leaves', 'room deleted', 'server shuts down'], { minLength: 1 }),
          }),
          { minLength: 2, maxLength: 3 },
        ),
        async (sessions) => {
          vi.useFakeTimers();
          const w = scriptedWorld();
          w.cooperate();
          const reported: CustomTokenError[] = [];
          const { session } = renderSession(
            {
              generator: w.generator,
              room: w.room,
              roomName: 'support',
              agentName: 'helper',
              agentConnectTimeoutMs: 5_000,
              microphone: false,
              onError: (error) => reported.push(error),
            },
            { children: <ErrorNotice /> },
          );
          try {
            for (const [index, { startAgain, failures }] of sessions.entries()) {
              if (index === 0) act(() => void session().start());
              else if (startAgain === 'Try again') act(() => screen.getByRole('button', { name: 'Try again' }).click());
              else {
                act(() => void session().end());
                act(() => void session().start());
              }
              await advance(50);
              expect(session().isConnected).toBe(true);
              expect(session().error).toBeNull();
              expect(screen.queryByRole('alert')).toBeNull();
              w.agentEvent('joins ready');
              await advance(50);
              for (const failure of failures) {
                if (failure === 'agent leaves') w.agentEvent('leaves');
                else if (failure === 'room deleted') await serverDisconnects(w.room, DisconnectReason.ROOM_DELETED);
                else await serverDisconnects(w.room, DisconnectReason.SERVER_SHUTDOWN);
                await advance(50);
              }
              const sessionsSoFar = sessions.slice(0, index + 1);
              expect(reported, sessionsSoFar.map(({ failures: f }) => f.join(' → ')).join(' | ')).toHaveLength(index + 1);
              expect(session().error).toBe(reported[index]);
              expect(screen.getByRole('alert').textContent).toContain(reported[index]!.message);
            }
          } finally {
            cleanup();
            vi.useRealTimers();
          }
        },
      ),
      {
        numRuns: RUNS,
        ...seed,
        examples: [
          [
            [
              { startAgain: 'Try again', failures: ['agent leaves'] },
              { startAgain: 'Try again', failures: ['agent leaves'] },
            ],
          ],
        ],
      },
    );
  }, 60_000);
});
