import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { AgentStatusIndicator } from '../src/index';
import { offlineSession, withOfflineSession } from './fixtures/offlineSession';
import { agent, speakingBeforeTheAgentJoins } from './fixtures/scenes';
import { shownCode, snippet } from './fixtures/snippet';
import { AgentStatusExample } from './snippets/AgentStatusExample';
import exampleSource from './snippets/AgentStatusExample.tsx?raw';

/**
 * The agent's state, as LiveKit's `useAgent` derives it from a participant of kind `AGENT` and
 * its `lk.agent.state` attribute, announced politely to screen readers (the agent joining, ready,
 * failed or gone; not each turn, which only the visible text follows). The token dispatches the
 * agent `helper`, and `start()` waits until it is ready; the story presses Connect for you.
 */
const meta = {
  title: 'Components/AgentStatusIndicator',
  component: AgentStatusIndicator,
  argTypes: {
    labels: {
      table: {
        type: {
          summary: '{ [state in AgentState]?: string }',
          detail:
            'AgentState: disconnected | connecting | pre-connect-buffering | initializing | idle | listening | thinking | speaking | failed',
        },
      },
    },
  },
  decorators: [withOfflineSession],
  ...snippet(AgentStatusExample, exampleSource),
} satisfies Meta<typeof AgentStatusIndicator>;

export default meta;
type Story = StoryObj<typeof meta>;

const withAgent = (scene?: ReturnType<typeof agent>, agentConnectTimeoutMs = 600_000) =>
  offlineSession(() => ({ agentConnectTimeoutMs, connect: true, scene }));

const expectState =
  (state: string, label: string): Story['play'] =>
  async ({ canvasElement }) => {
    // The drawn label: a screen reader reads a text of its own beside it, which skips the turns.
    const status = await within(canvasElement).findByText(label, { selector: '.lk-ctr-agent-status-label' });
    await expect(status.closest('[role="status"]')).toHaveAttribute('data-state', state);
  };

/** `failed`: the label, then LiveKit's `reason` (waited for up to 15 s: the failure comes after a timeout or a departure). */
const expectFailed =
  (reason: string): Story['play'] =>
  async ({ canvasElement }) => {
    const label = await within(canvasElement).findByText(
      'The agent is not in the call',
      { selector: '.lk-ctr-agent-status-label' },
      { timeout: 15_000 },
    );
    await expect(label.closest('[role="status"]')).toHaveTextContent(reason);
  };

/** A conversation: listening, thinking, speaking, every 2.5 s. */
export const Conversation: Story = {
  ...shownCode(exampleSource),
  loaders: [withAgent(agent('listening', { cycle: ['listening', 'thinking', 'speaking'] }))],
  play: expectState('listening', 'Agent is listening'),
};

/**
 * Connected, the agent has not joined yet, with no microphone published (these offline stories
 * publish none unless they say so). With the microphone on, the provider's default, the indicator
 * reads "Listening — the agent is joining…" instead: see the next story.
 */
export const WaitingForTheAgent: Story = {
  ...shownCode(exampleSource),
  loaders: [withAgent()],
  play: expectState('connecting', 'Waiting for the agent…'),
};

/**
 * Connected with the microphone on (the provider's default) before the agent is there: its
 * pre-connect buffer records, so what the user says meanwhile reaches the agent when it joins —
 * `pre-connect-buffering`, "Listening — the agent is joining…". Here the agent joins 6 s later.
 * Without a buffer recording (publish options without `preConnectBuffer`) it reads "Waiting for
 * the agent…", as above: nothing would hear the user.
 */
export const ListeningWhileTheAgentJoins: Story = {
  ...shownCode(exampleSource),
  loaders: [withAgent(speakingBeforeTheAgentJoins(6_000))],
  play: expectState('pre-connect-buffering', 'Listening — the agent is joining…'),
};

/**
 * The same, with an agent that does not come: livekit-client stops the buffer 10 s after
 * publishing, and from then on nothing hears the user — the indicator says it waits for the agent.
 */
export const BufferStoppedBeforeTheAgentCame: Story = {
  ...shownCode(exampleSource),
  loaders: [withAgent(speakingBeforeTheAgentJoins())],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const label = { selector: '.lk-ctr-agent-status-label' };
    await canvas.findByText('Listening — the agent is joining…', label);
    await canvas.findByText('Waiting for the agent…', label, { timeout: 15_000 });
    await expect(canvas.getByRole('status')).toHaveAttribute('data-state', 'connecting');
  },
};

/** The agent joined and is loading. */
export const Initializing: Story = {
  ...shownCode(exampleSource),
  loaders: [withAgent(agent('initializing'))],
  play: expectState('initializing', 'The agent is getting ready…'),
};

export const Listening: Story = {
  ...shownCode(exampleSource),
  loaders: [withAgent(agent('listening'))],
  play: expectState('listening', 'Agent is listening'),
};

export const Thinking: Story = {
  ...shownCode(exampleSource),
  loaders: [withAgent(agent('thinking'))],
  play: expectState('thinking', 'Agent is thinking…'),
};

export const Speaking: Story = {
  ...shownCode(exampleSource),
  loaders: [withAgent(agent('speaking'))],
  play: expectState('speaking', 'Agent is speaking'),
};

/** The agent never joined within `agentConnectTimeoutMs` (here 1.5 s): `failed`, with LiveKit's reason. */
export const Failed: Story = {
  ...shownCode(exampleSource),
  loaders: [withAgent(undefined, 1_500)],
  play: expectFailed('Agent did not join the room.'),
};

/** The agent was listening, then left mid-call (here after 1.5 s): `failed`, with LiveKit's reason; the call goes on. */
export const LeftTheCall: Story = {
  ...shownCode(exampleSource),
  loaders: [withAgent(agent('listening', { leavesAfterMs: 1_500 }))],
  play: expectFailed('Agent left the room unexpectedly.'),
};

/**
 * Before a session the indicator is empty; from Connect until the agent is there it says it is
 * waiting; after Disconnect it is empty again — never "No agent" for an agent on its way.
 */
export const BeforeAndAfter: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ agentConnectTimeoutMs: 600_000, scene: agent('listening') }))],
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    const status = canvas.getByRole('status');
    await step('no session: nothing', async () => {
      await expect(status).toHaveTextContent(/^$/);
    });
    await step('connect: waiting, then the agent listens', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Connect' }));
      await waitFor(() => expect(status).toHaveTextContent('Agent is listening'));
    });
    await step('disconnect: nothing', async () => {
      // start() settles just after the agent's state reaches the indicator: wait for the button to say so.
      await userEvent.click(await canvas.findByRole('button', { name: 'Disconnect' }));
      await waitFor(() => expect(status).toHaveTextContent(/^$/));
    });
  },
};
