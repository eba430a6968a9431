import { act, render, waitFor } from '@testing-library/react';
import { expect, vi } from 'vitest';
import { ParticipantKind, setLogLevel } from 'livekit-client';
import * as React from 'react';
import { CustomTokenSessionProvider, type CustomTokenSessionProviderProps } from '../../src/providers/CustomTokenSessionProvider';
import { AgentStatusIndicator } from '../../src/components/AgentStatusIndicator';
import { ErrorNotice } from '../../src/components/ErrorNotice';
import type { CustomTokenError } from '../../src/core/errors';
import { useAgentStatus, type UseAgentStatusReturn } from '../../src/hooks/useAgentStatus';
import { useSessionState, type UseSessionStateReturn } from '../../src/hooks/useSessionState';
import { advance } from '../helpers/fakeTime';
import { joinRemote, roomWithoutServer, tokenGenerator } from '../helpers/room';

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

/**
 * A live call (fake timers on, StrictMode, no microphone) on a room without a server, whose
 * dispatched agent `agent-1` joined and is listening, with `children` inside. Returns the agent,
 * the errors `onError` heard and the agent state of every render.
 */
export async function renderAgentCall(children?: React.ReactNode) {
  vi.useFakeTimers();
  const { room, connect } = roomWithoutServer();
  const reported: CustomTokenError[] = [];
  const agentStates: UseAgentStatusReturn['state'][] = [];
  function AgentProbe() {
    agentStates.push(useAgentStatus().state);
    return null;
  }
  const { session } = renderSession(
    {
      generator: tokenGenerator(),
      room,
      roomName: 'support',
      agentName: 'helper',
      microphone: false,
      onError: (error) => reported.push(error),
    },
    {
      children: (
        <>
          <AgentProbe />
          {children}
        </>
      ),
    },
  );
  const settled = clickStart(session);
  await advance(50);
  const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
  await advance(10);
  expect(settled()).toBe(true);
  expect(session().isConnected).toBe(true);
  return { room, connect, session, agent, reported, agentStates };
}

/** {@link renderAgentCall} with the agent's status indicator and the error notice on the page. */
export function renderAgentCallOnPage() {
  return renderAgentCall(
    <>
      <AgentStatusIndicator />
      <ErrorNotice />
    </>,
  );
}
