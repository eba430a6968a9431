// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { createTokenHandler } from '../../src/server';
import { handlerConfig, tokenRequest } from './handlerConfig';
import { readResponse } from './verify';

/*
 * An entry of `room_config.agents` without `agent_name` is no "no agent" to LiveKit: its server
 * dispatches it to the agent workers registered without a name (automatic dispatch; pkg/agent
 * client.go, "if no agent name is given … dispatching to each of the namespaces"). The handler
 * passes it to the agents policy as `agentName: ''`, which a list of names never allows unless it
 * holds '' — and a list holding '' is refused when the handler is created: it is what an empty
 * variable split on commas gives (`''.split(',')`), not a decision to let callers dispatch that agent.
 */

/** The agents a token's roomConfig dispatches: name, metadata, deployment. */
const dispatched = (roomConfig: { agents?: { agentName: string; metadata: string; deployment: string }[] } | undefined) =>
  roomConfig?.agents?.map(({ agentName, metadata, deployment }) => ({ agentName, metadata, deployment }));

const unnamedEntries = [
  ['no agent_name', { metadata: 'm' }],
  ["agent_name ''", { agent_name: '', metadata: 'm' }],
  ['agent_name null', { agent_name: null, metadata: 'm' }],
  ["camelCase agentName ''", { agentName: '', metadata: 'm' }],
] as const;

describe('createTokenHandler: an agent entry without a name (LiveKit’s unnamed, automatically dispatched agent)', () => {
  it.each(unnamedEntries)('refuses one with %s when the agents policy lists names', async (_, entry) => {
    const handler = createTokenHandler(handlerConfig({ agents: ['support-agent'] }));
    const { status, body } = await readResponse(await handler(tokenRequest({ room_name: 'support', room_config: { agents: [entry] } })));
    expect(status).toBe(403);
    expect(body.error?.code).toBe('agent_not_allowed');
  });

  it.each([
    ['an empty variable split on commas', ''.split(',')],
    ['a list with a trailing comma', 'support-agent,'.split(',')],
  ])('refuses, when the handler is created, an agents list holding %s', (_, agents) => {
    expect(() => createTokenHandler(handlerConfig({ agents }))).toThrow(
      "createTokenHandler: `agents` lists '': that would let callers dispatch LiveKit's agent registered without a name " +
        '(automatic dispatch), which a room_config.agents entry without agent_name asks for — an empty variable split on commas ' +
        "gives this list. Leave '' out; to allow that agent on purpose, write a function: (agent) => agent.agentName === ''.",
    );
  });

  it.each(unnamedEntries)(
    "asks a policy function about one with %s as agentName '', and its token dispatches the unnamed agent",
    async (_, entry) => {
      const agents = vi.fn((agent: { agentName: string }) => agent.agentName === '');
      const handler = createTokenHandler(handlerConfig({ agents }));
      const { status, claims } = await readResponse(
        await handler(tokenRequest({ room_name: 'support', room_config: { agents: [entry] } })),
      );
      expect(status).toBe(201);
      expect(agents).toHaveBeenCalledWith({ agentName: '', metadata: 'm' }, expect.anything());
      // LiveKit's RoomAgentDispatch with no agent_name: the agent registered without one.
      expect(dispatched(claims?.roomConfig)).toEqual([{ agentName: '', metadata: 'm', deployment: '' }]);
    },
  );
});
