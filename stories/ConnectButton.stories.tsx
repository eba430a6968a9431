import type { Meta, StoryObj } from '@storybook/react-vite';
import { ConnectionError } from 'livekit-client';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ConnectButton } from '../src/index';
import { pendingGenerator } from './fixtures/generators';
import { offlineSession, withOfflineSession } from './fixtures/offlineSession';
import { cameras } from './fixtures/scenes';

/**
 * Connects and disconnects the session. Every story here runs a real `CustomTokenSessionProvider`
 * on a real livekit-client `Room` that skips only the network.
 */
const meta = {
  title: 'Components/ConnectButton',
  component: ConnectButton,
  decorators: [withOfflineSession],
  loaders: [offlineSession()],
} satisfies Meta<typeof ConnectButton>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Disconnected, with a token already fetched on mount: a click connects at once. */
export const Idle: Story = {};

/** Click to connect, click to disconnect — the interaction test of the connect control. */
export const ConnectAndDisconnect: Story = {
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    await step('connect', async () => {
      await userEvent.click(await canvas.findByRole('button', { name: 'Connect' }));
      await waitFor(() => expect(canvas.getByRole('button')).toHaveAttribute('data-state', 'connected'));
      await expect(canvas.getByRole('button')).toHaveTextContent('Disconnect');
    });
    await step('disconnect', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Disconnect' }));
      await waitFor(() => expect(canvas.getByRole('button')).toHaveAttribute('data-state', 'disconnected'));
      await expect(canvas.getByRole('button')).toHaveTextContent('Connect');
    });
  },
};

/** `start()` is waiting for a token that has not come yet; a click cancels. */
export const FetchingToken: Story = {
  loaders: [offlineSession(() => ({ generator: pendingGenerator, timeoutMs: 600_000, connect: true }))],
  play: async ({ canvasElement }) => {
    const button = await within(canvasElement).findByRole('button', { name: 'Connecting…' });
    await expect(button).toHaveAttribute('aria-busy', 'true');
  },
};

/** The token is in hand; LiveKit is still connecting. */
export const Connecting: Story = {
  loaders: [offlineSession(() => ({ outcome: 'hang', connect: true }))],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('button', { name: 'Connecting…' })).toHaveAttribute('data-state', 'connecting');
  },
};

/** Connected: the button disconnects. */
export const Connected: Story = {
  loaders: [offlineSession(() => ({ connect: true, scene: cameras(1) }))],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('button', { name: 'Disconnect' })).toHaveAttribute('data-state', 'connected');
  },
};

/** LiveKit refused the token: back to `Connect`, the error is in the session state (see ErrorNotice). */
export const ConnectionRefused: Story = {
  loaders: [offlineSession(() => ({ outcome: ConnectionError.notAllowed('invalid token', 401), connect: true }))],
};

/** Labels are the app's to choose. */
export const CustomLabels: Story = {
  args: { labels: { disconnected: 'Join call', connecting: 'Joining…', connected: 'Leave call', disconnecting: 'Leaving…' } },
};
