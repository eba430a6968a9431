import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { AgentStatusIndicator } from '../src/index';
import { offlineSession, withOfflineSession } from './fixtures/offlineSession';
import { agent } from './fixtures/scenes';

/**
 * The agent's state, as LiveKit's `useAgent` derives it from a participant of kind `AGENT` and
 * its `lk.agent.state` attribute. Each session asks for the agent `helper`, so the token
 * dispatches it and `start()` waits until it is ready.
 */
const meta = {
  title: 'Components/AgentStatusIndicator',
  component: AgentStatusIndicator,
  decorators: [withOfflineSession],
} satisfies Meta<typeof AgentStatusIndicator>;

export default meta;
type Story = StoryObj<typeof meta>;

const withAgent = (scene?: ReturnType<typeof agent>, agentConnectTimeoutMs = 600_000) =>
  offlineSession(() => ({ agentName: 'helper', freshRoomPerSession: true, agentConnectTimeoutMs, connect: true, scene }));

const expectState = (state: string, label: string): Story['play'] => async ({ canvasElement }) => {
  const status = await within(canvasElement).findByText(label);
  await expect(status.closest('[role="status"]')).toHaveAttribute('data-state', state);
};

/** No session: no agent. */
export const NoAgent: Story = { loaders: [offlineSession()], play: expectState('disconnected', 'No agent') };

/** Connected, the agent has not joined yet. */
export const Connecting: Story = { loaders: [withAgent()], play: expectState('connecting', 'Waiting for the agent…') };

/** The agent joined and is loading. */
export const Initializing: Story = { loaders: [withAgent(agent('initializing'))], play: expectState('initializing', 'The agent is getting ready…') };

export const Listening: Story = { loaders: [withAgent(agent('listening'))], play: expectState('listening', 'Agent is listening') };

export const Thinking: Story = { loaders: [withAgent(agent('thinking'))], play: expectState('thinking', 'Agent is thinking…') };

export const Speaking: Story = { loaders: [withAgent(agent('speaking'))], play: expectState('speaking', 'Agent is speaking') };

/** A conversation: listening, thinking, speaking, every 2.5 s. */
export const Conversation: Story = { loaders: [withAgent(agent('listening', { cycle: ['listening', 'thinking', 'speaking'] }))] };

/** The agent never joined within `agentConnectTimeoutMs` (here 1.5 s): `failed`, with LiveKit's reason. */
export const Failed: Story = {
  loaders: [withAgent(undefined, 1_500)],
  play: async ({ canvasElement }) => {
    const label = await within(canvasElement).findByText('The agent could not join', undefined, { timeout: 5_000 });
    await expect(label.closest('[role="status"]')).toHaveTextContent('Agent did not join the room.');
  },
};
