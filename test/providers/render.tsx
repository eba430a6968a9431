import { act, render, waitFor } from '@testing-library/react';
import { expect } from 'vitest';
import { setLogLevel } from 'livekit-client';
import * as React from 'react';
import { CustomTokenSessionProvider, type CustomTokenSessionProviderProps } from '../../src/providers/CustomTokenSessionProvider';
import { useSessionState, type UseSessionStateReturn } from '../../src/hooks/useSessionState';
import { roomWithoutServer, tokenGenerator } from '../helpers/room';

// The rooms here never reach a server; keep livekit-client's connection logs out of the output.
setLogLevel('silent');

/** Renders the provider (in StrictMode unless told, inside `wrapper` if given) with a probe exposing the latest session state. */
export function renderSession(
  props: CustomTokenSessionProviderProps,
  {
    strict = true,
    children,
    wrapper,
  }: { strict?: boolean; children?: React.ReactNode; wrapper?: React.JSXElementConstructor<{ children: React.ReactNode }> } = {},
) {
  const latest: { current: UseSessionStateReturn | null } = { current: null };
  function Probe() {
    latest.current = useSessionState();
    return null;
  }
  const tree = (next: CustomTokenSessionProviderProps) => {
    const provider = (
      <CustomTokenSessionProvider {...next}>
        <Probe />
        {children}
      </CustomTokenSessionProvider>
    );
    return strict ? <React.StrictMode>{provider}</React.StrictMode> : provider;
  };
  const result = render(tree(props), wrapper ? { wrapper } : {});
  return {
    ...result,
    session: () => latest.current as UseSessionStateReturn,
    rerenderWith: (next: CustomTokenSessionProviderProps) => result.rerender(tree(next)),
  };
}

/**
 * The provider under a `key` (StrictMode) with a probe exposing the latest session state: `remount`
 * with a new key renders a new provider with the same props, as a user switch (`key={user.id}`)
 * or a page brought back by the browser's Back button does.
 */
export function renderKeyed(props: CustomTokenSessionProviderProps) {
  const latest: { current: UseSessionStateReturn | null } = { current: null };
  function Probe() {
    latest.current = useSessionState();
    return null;
  }
  const tree = (key: string) => (
    <React.StrictMode>
      <CustomTokenSessionProvider key={key} {...props}>
        <Probe />
      </CustomTokenSessionProvider>
    </React.StrictMode>
  );
  const result = render(tree('first'));
  return { session: () => latest.current as UseSessionStateReturn, remount: (key: string) => result.rerender(tree(key)) };
}

/** Calls `start()` as a button would, without awaiting it; returns whether its promise has settled yet. */
export function clickStart(session: () => { start: () => Promise<void> }): () => boolean {
  let settled = false;
  act(() => {
    void session()
      .start()
      .then(() => {
        settled = true;
      });
  });
  return () => settled;
}

/**
 * Calls a session action and waits until its promise settles. (Awaiting it inside `act` would
 * deadlock: `start()` resolves only after React commits the connected state, which `act` holds
 * back until its callback returns.)
 */
export async function settle(action: () => Promise<void>): Promise<void> {
  let settled = false;
  act(() => {
    void action().then(() => {
      settled = true;
    });
  });
  // Up to 3 s: a start takes longer than waitFor's 1 s default on a loaded machine.
  await waitFor(() => expect(settled, 'the action settled').toBe(true), { timeout: 3_000 });
}

/** A started session (StrictMode, no microphone) on a room without a server, with `children` inside; returns the room. */
export async function renderLiveSession(children: React.ReactNode) {
  const { room } = roomWithoutServer();
  const { session } = renderSession({ generator: tokenGenerator(), room, roomName: 'standup', microphone: false }, { children });
  await settle(() => session().start());
  return room;
}
