import { act, waitFor } from '@testing-library/react';
import { onlineManager } from '@tanstack/query-core';
import { decodeTokenPayload } from 'livekit-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from './render';
import { setBrowserOnline, setTabVisible } from '../helpers/tabLife';

const HOUR = 60 * 60_000;

describe('ten idle CustomTokenSessionProviders in one tab, through a laptop sleep', () => {
  afterEach(() => {
    Reflect.deleteProperty(document, 'visibilityState');
    onlineManager.setOnline(true);
    vi.useRealTimers();
  });

  it('each fetches one token after a sleep past expiry, when the network and then the tab come back, and a start joins with it', async () => {
    // Only the wall clock is faked: a sleep is the clock jumping ahead of the timers and of performance.now().
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-28T12:00:00Z') });
    const statuses: string[] = Array.from({ length: 10 }, () => '');
    const Status = ({ index }: { index: number }) => {
      statuses[index] = useTokenStatus().status;
      return null;
    };
    const sessions = Array.from({ length: 10 }, (_, i) => {
      const { room, connect } = roomWithoutServer();
      const generator = tokenGenerator({ ttl: (10 + i) * 60, identity: `user-${i}` });
      const rendered = renderSession({ generator, room, roomName: `room-${i}`, microphone: false }, { children: <Status index={i} /> });
      return { ...rendered, generator, connect, room };
    });
    await waitFor(() => sessions.forEach(({ generator }) => expect(generator).toHaveBeenCalledTimes(1)));
    await waitFor(() => expect(statuses.every((status) => status === 'ready')).toBe(true));

    act(() => setTabVisible(false));
    act(() => setBrowserOnline(false));
    vi.setSystemTime(Date.now() + 3 * HOUR);
    act(() => setBrowserOnline(true));
    act(() => setTabVisible(true));
    await waitFor(() => expect(statuses.every((status) => status === 'ready')).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sessions.map(({ generator }) => generator.mock.calls.length)).toEqual(sessions.map(() => 2));

    const { session, connect, generator } = sessions[3]!;
    await settle(() => session().start());
    expect(generator).toHaveBeenCalledTimes(2);
    expect(decodeTokenPayload(connect.mock.calls[0]![1]).exp! * 1000).toBeGreaterThan(Date.now());
  });
});
