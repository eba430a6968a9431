import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { CallScreen } from './app/CallScreen';
import { offlineSession, withOfflineSession } from './fixtures/offlineSession';
import { agent, cameras, together } from './fixtures/scenes';

/** Every component together, offline: what an app made of them looks like. */
const meta = {
  title: 'Examples/Call screen',
  component: CallScreen,
  decorators: [withOfflineSession],
  parameters: { layout: 'fullscreen' },
} satisfies Meta<typeof CallScreen>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Before connecting. */
export const BeforeJoining: Story = { args: { title: 'Stand-up' }, loaders: [offlineSession()] };

/** A video call with four people. */
export const VideoCall: Story = {
  args: { title: 'Stand-up' },
  loaders: [offlineSession(() => ({ connect: true, scene: cameras(4) }))],
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(within(canvasElement).getAllByRole('listitem')).toHaveLength(4));
  },
};

/** Talking to an agent that has an avatar camera. */
export const WithAgent: Story = {
  args: { title: 'Support', withAgent: true },
  loaders: [
    offlineSession(() => ({
      roomName: 'support',
      agentName: 'helper',
      freshRoomPerSession: true,
      connect: true,
      scene: together(cameras(1), agent('listening', { camera: true, cycle: ['listening', 'thinking', 'speaking'] })),
    })),
  ],
};
