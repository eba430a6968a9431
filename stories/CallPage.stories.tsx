import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { offlineSession, withOfflineSession } from './fixtures/offlineSession';
import { endpointError, localEndpoint } from './fixtures/generators';
import { agent, cameraOff, cameras, together } from './fixtures/scenes';
import { CallPage, type CallPageProps } from './snippets/CallPage';
import callPageSource from './snippets/CallPage.tsx?raw';

/**
 * Every component together, offline: a call page an app could paste in — the same component the
 * live Playground runs against the local LiveKit server.
 */
const meta = {
  title: 'Examples/Call page',
  component: CallPage,
  decorators: [withOfflineSession],
  parameters: { layout: 'fullscreen' },
  render: (args) => <CallPage {...args} />,
} satisfies Meta<typeof CallPage>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The page's file, and how this story uses it, as the story's code. */
const shown = (args: CallPageProps) => ({
  args,
  parameters: {
    docs: {
      source: {
        language: 'tsx',
        code: `${callPageSource.trimEnd()}\n\n// Used as:\n// <CallPage ${Object.entries(args)
          .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
          .join(' ')} />\n`,
      },
    },
  },
});

/** A video call with four people. */
export const VideoCall: Story = {
  ...shown({ roomName: 'standup', participantName: 'Hedy' }),
  loaders: [offlineSession(() => ({ connect: true, scene: cameras(4) }))],
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(within(canvasElement).getAllByRole('listitem')).toHaveLength(4));
  },
};

/** Talking to an agent that has an avatar camera: its tile first, across the grid. */
export const WithAgent: Story = {
  ...shown({ roomName: 'support', participantName: 'Hedy', agentName: 'helper' }),
  loaders: [
    offlineSession(() => ({
      agentConnectTimeoutMs: 600_000,
      connect: true,
      scene: together(cameras(1), agent('listening', { camera: true, cycle: ['listening', 'thinking', 'speaking'] })),
    })),
  ],
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(within(canvasElement).getAllByRole('listitem')).toHaveLength(2), { timeout: 15_000 });
    await expect(within(canvasElement).getAllByRole('listitem')[0]).toHaveAttribute('data-emphasized');
  },
};

/** Before connecting. */
export const BeforeJoining: Story = { ...shown({ roomName: 'standup', participantName: 'Hedy' }), loaders: [offlineSession()] };

/**
 * The token endpoint is down (503): the alert says so, and so does the token panel — announced
 * once, by the alert: the panel's status line leaves the session's error unannounced.
 */
export const TokenUnavailable: Story = {
  ...shown({ roomName: 'standup', participantName: 'Hedy' }),
  loaders: [
    offlineSession(() => ({
      retries: 0,
      connect: true,
      generator: localEndpoint(() => endpointError(503, 'unavailable', 'The token service is restarting.')),
    })),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('alert', undefined, { timeout: 15_000 })).toHaveTextContent('The token service is restarting.');
    const panel = canvas.getByRole('region', { name: 'Token status' });
    await waitFor(() => expect(panel).toHaveAttribute('data-status', 'error'));
    await expect(panel).toHaveTextContent('The token service is restarting.');
    await expect(within(panel).getByRole('status')).not.toHaveTextContent('The token service is restarting.');
  },
};

/** Names as long as people's and rooms' get: each name cut short on its tile, your own still marked "(you)"; the room name wraps. */
export const LongNames: Story = {
  ...shown({
    roomName: 'quarterly-planning-for-the-northern-european-customer-success-and-partner-enablement-teams',
    participantName: 'Maximiliana Alexandrina von Hohenzollern-Sigmaringen',
    agentName: 'helper',
  }),
  loaders: [
    offlineSession(() => ({
      agentConnectTimeoutMs: 600_000,
      connect: true,
      scene: together(
        cameras(3, ['Bartholomew Fitzgerald-Montgomery the Third', 'Guðrún Ólafsdóttir Sigurðardóttir-Jóhannesdóttir']),
        cameraOff('Anastasia Konstantinovna Rimsky-Korsakova'),
        agent('listening'),
      ),
    })),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(canvas.getAllByRole('listitem')).toHaveLength(5), { timeout: 15_000 });
    const mine = canvasElement.querySelector('[data-local] .lk-ctr-camera-you')!;
    await expect(mine).toHaveTextContent('(you)');
  },
};
