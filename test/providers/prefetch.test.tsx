import { act, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTokenStatus } from '../../src/hooks/useTokenStatus';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';
import { renderSession, settle } from './render';

const quiet = { microphone: false } as const;
const idle = () => act(() => new Promise((resolve) => setTimeout(resolve, 50)));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('CustomTokenSessionProvider prefetch', () => {
  it('fetches a token on mount by default, so start() connects at once', async () => {
    const generator = tokenGenerator();
    renderSession({ generator, room: roomWithoutServer().room, roomName: 'standup', ...quiet });
    await waitFor(() => expect(generator).toHaveBeenCalled(), { timeout: 5_000 });
    await idle();
    expect(generator).toHaveBeenCalledTimes(1);
  });

  it('with prefetch={false}, fetches nothing until start(), then once', async () => {
    const generator = tokenGenerator();
    let status = '';
    function Status() {
      status = useTokenStatus().status;
      return null;
    }
    const { session } = renderSession(
      { generator, room: roomWithoutServer().room, roomName: 'standup', prefetch: false, ...quiet },
      { children: <Status /> },
    );
    await idle();
    expect(generator).not.toHaveBeenCalled();
    expect(status).toBe('idle');

    await settle(() => session().start());
    expect(generator).toHaveBeenCalledTimes(1);
    expect(session().isConnected).toBe(true);
  });

  it('keeps the console clean when the mount-time fetch fails: the failure is in the token status', async () => {
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    const generator = tokenGenerator();
    generator.mockRejectedValue(Object.assign(new Error('sign in first'), { status: 401 }));
    let tokenError: string | undefined;
    function Status() {
      tokenError = useTokenStatus().error?.message;
      return null;
    }
    renderSession({ generator, room: roomWithoutServer().room, roomName: 'standup', retries: 0, ...quiet }, { children: <Status /> });
    await waitFor(() => expect(tokenError).toMatch(/sign in first/), { timeout: 5_000 });
    await idle(); // what the failure logs, if anything, comes after it
    expect(generator).toHaveBeenCalledTimes(1);
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });
});
