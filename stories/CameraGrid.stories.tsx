import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { CameraGrid } from '../src/index';
import { offlineSession, withOfflineSession } from './fixtures/offlineSession';
import { agent, cameraOff, cameras, together } from './fixtures/scenes';

/**
 * A tile per camera of the session. The cameras are real `MediaStreamTrack`s drawn on a canvas,
 * published by simulated participants of a real livekit-client `Room`.
 */
const meta = {
  title: 'Components/CameraGrid',
  component: CameraGrid,
  decorators: [withOfflineSession],
  args: { empty: <p className="story-empty">Nobody has a camera on yet — connect to join the call.</p> },
} satisfies Meta<typeof CameraGrid>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Not connected: the `empty` content. */
export const Disconnected: Story = { loaders: [offlineSession()] };

/** Just you. */
export const OneCamera: Story = {
  loaders: [offlineSession(() => ({ connect: true, scene: cameras(1) }))],
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(within(canvasElement).getAllByRole('listitem')).toHaveLength(1));
    await expect(within(canvasElement).getByText('Hedy (you)')).toBeVisible();
  },
};

/** You and three others. */
export const FourCameras: Story = {
  loaders: [offlineSession(() => ({ connect: true, scene: cameras(4) }))],
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(within(canvasElement).getAllByRole('listitem')).toHaveLength(4));
  },
};

/** A full stand-up: twelve cameras. */
export const TwelveCameras: Story = {
  loaders: [offlineSession(() => ({ connect: true, scene: cameras(12) }))],
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(within(canvasElement).getAllByRole('listitem')).toHaveLength(12));
  },
};

/** An agent with an avatar camera beside yours; a participant without a camera gets a placeholder tile. */
export const WithAgentAndPlaceholder: Story = {
  loaders: [offlineSession(() => ({ connect: true, scene: together(cameras(1), agent('listening', { camera: true }), cameraOff('Sam')) }))],
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(within(canvasElement).getAllByRole('listitem')).toHaveLength(3));
    await expect(within(canvasElement).getByText('Sam').closest('li')).toHaveAttribute('data-placeholder');
  },
};
