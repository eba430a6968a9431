import type { Meta, StoryObj } from '@storybook/react-vite';
import { ConnectionError } from 'livekit-client';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ConnectButton } from '../src/index';
import { pendingGenerator } from './fixtures/generators';
import { offlineSession, withOfflineSession } from './fixtures/offlineSession';
import { cameras } from './fixtures/scenes';
import { shownCode, snippet } from './fixtures/snippet';
import { ConnectButtonExample } from './snippets/ConnectButtonExample';
import exampleSource from './snippets/ConnectButtonExample.tsx?raw';
import { ConnectButtonLabels } from './snippets/ConnectButtonLabels';
import labelsSource from './snippets/ConnectButtonLabels.tsx?raw';

/**
 * Connects and disconnects the session; while connecting, a click cancels. Every story runs the
 * code it shows, offline: a real `CustomTokenSessionProvider` on a real livekit-client `Room` that
 * skips only the network, with tokens minted in the page instead of by `/api/livekit-token`.
 */
const meta = {
  title: 'Components/ConnectButton',
  component: ConnectButton,
  argTypes: { labels: { table: { type: { summary: '{ disconnected?, connecting?, connected?, disconnecting?: string }' } } } },
  decorators: [withOfflineSession],
  loaders: [offlineSession()],
  ...snippet(ConnectButtonExample, exampleSource),
} satisfies Meta<typeof ConnectButton>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Click to connect, click to disconnect — the interaction test of the connect control. */
export const ConnectAndDisconnect: Story = {
  ...shownCode(exampleSource),
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

/** `start()` is waiting for a token that has not come yet: the button is busy and says a click cancels. */
export const FetchingToken: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ generator: pendingGenerator, timeoutMs: 600_000, connect: true }))],
  play: async ({ canvasElement }) => {
    const button = await within(canvasElement).findByRole('button', { name: 'Cancel connecting' });
    await expect(button).toHaveAttribute('aria-busy', 'true');
    await expect(button).toBeEnabled();
  },
};

/** The token is in hand; LiveKit is still connecting: the button is busy, and a click cancels. */
export const Connecting: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ outcome: 'hang', connect: true }))],
  play: async ({ canvasElement }) => {
    const cancel = await within(canvasElement).findByRole('button', { name: 'Cancel connecting' });
    await expect(cancel).toHaveAttribute('data-state', 'connecting');
    await expect(cancel).toHaveAttribute('aria-busy', 'true');
  },
};

/** Enter connects, Enter again cancels while LiveKit is still connecting — the keyboard test of cancelling. */
export const CancelWithKeyboard: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ outcome: 'hang' }))],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.tab();
    await expect(canvas.getByRole('button', { name: 'Connect' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    const cancel = await canvas.findByRole('button', { name: 'Cancel connecting' });
    await expect(cancel).toHaveAttribute('data-state', 'connecting');
    await expect(cancel).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(canvas.getByRole('button', { name: 'Connect' })).toHaveAttribute('data-state', 'disconnected'));
  },
};

/** Connected: the button disconnects. */
export const Connected: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ connect: true, scene: cameras(1) }))],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('button', { name: 'Disconnect' })).toHaveAttribute('data-state', 'connected');
  },
};

/**
 * Leaving takes a moment (a leave's round trip, held here): the button says so and ignores clicks
 * (`aria-disabled`, not `disabled`, so it keeps the keyboard focus).
 */
export const Disconnecting: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ connect: true, scene: cameras(1), disconnectDelayMs: 600_000 }))],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByRole('button', { name: 'Disconnect' }));
    const leaving = await canvas.findByRole('button', { name: 'Disconnecting…' });
    await expect(leaving).toHaveAttribute('data-state', 'disconnecting');
    await expect(leaving).toHaveAttribute('aria-disabled', 'true');
  },
};

/**
 * Leaving with the keyboard (a leave's round trip; 1.5 s here): the focus stays on the button
 * while it disconnects, and is still there when it offers to connect again.
 */
export const LeaveWithKeyboard: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ connect: true, scene: cameras(1), disconnectDelayMs: 1_500 }))],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const button = await canvas.findByRole('button', { name: 'Disconnect' });
    button.focus();
    await userEvent.keyboard('{Enter}');
    const leaving = await canvas.findByRole('button', { name: 'Disconnecting…' });
    await expect(leaving).toHaveAttribute('data-state', 'disconnecting');
    await expect(leaving).toHaveAttribute('aria-disabled', 'true');
    await expect(leaving).toHaveFocus();
    await waitFor(() => expect(canvas.getByRole('button', { name: 'Connect' })).toHaveFocus());
  },
};

/** LiveKit refused the token: back to `Connect`, the error is in the session state (see ErrorNotice). */
export const ConnectionRefused: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ outcome: ConnectionError.notAllowed('invalid token', 401), connect: true }))],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('button', { name: 'Connect' })).toHaveAttribute('data-state', 'disconnected');
  },
};

/** Labels are the app's to choose. */
export const CustomLabels: Story = {
  ...shownCode(exampleSource),
  ...snippet(ConnectButtonLabels, labelsSource),
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('button', { name: 'Join call' })).toBeVisible();
  },
};
