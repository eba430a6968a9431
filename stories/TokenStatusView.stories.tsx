import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { TokenStatusView } from '../src/index';
import { endpointError, localEndpoint, offlineGenerator, pendingGenerator } from './fixtures/generators';
import { offlineSession, withOfflineSession } from './fixtures/offlineSession';
import { cameras } from './fixtures/scenes';
import { shownCode, snippet } from './fixtures/snippet';
import { TokenStatusExample } from './snippets/TokenStatusExample';
import exampleSource from './snippets/TokenStatusExample.tsx?raw';
import { TokenStatusOfSource } from './snippets/TokenStatusOfSource';
import ofSourceSource from './snippets/TokenStatusOfSource.tsx?raw';

/**
 * The session's token: status, identity, room, grants and a countdown to expiry; after a failed
 * fetch, the error and a retry. Tokens here are real LiveKit JWTs signed with the dev keys,
 * minted in the page instead of by `/api/livekit-token`.
 */
const meta = {
  title: 'Components/TokenStatusView',
  component: TokenStatusView,
  decorators: [withOfflineSession],
  ...snippet(TokenStatusExample, exampleSource),
} satisfies Meta<typeof TokenStatusView>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Fetched on mount (LiveKit pre-warms the connection), ten minutes to go. */
export const Ready: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession()],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText('Token ready')).toBeVisible();
    await expect(canvas.getByText('hedy')).toBeVisible();
    await expect(canvas.getByText('standup')).toBeVisible();
  },
};

/**
 * A token with 40 s to live, counting down. While disconnected the source fetches a new one
 * ahead of expiry (at half its lifetime at most), so the countdown starts over instead of
 * reaching zero. The `play` function checks that the countdown moves.
 */
export const AboutToExpire: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ generator: offlineGenerator({ ttlSeconds: 40 }) }))],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const remaining = async () => secondsOf(await canvas.findByText(/^in \d+:\d\d$/));
    const first = await remaining();
    await expect(first).toBeLessThanOrEqual(40);
    await waitFor(async () => expect(await remaining()).toBeLessThan(first), { timeout: 10_000 });
  },
};

/**
 * Connected with a token that lives 4 s: LiveKit renews the live session's own token, so the one
 * in hand runs out — `expired`, with a button to get a new one.
 */
export const Expired: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ generator: offlineGenerator({ ttlSeconds: 4 }), connect: true, scene: cameras(1) }))],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText('Token expired', undefined, { timeout: 10_000 })).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Get a new token' })).toBeVisible();
  },
};

/** The generator has not answered yet. */
export const Fetching: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ generator: pendingGenerator, timeoutMs: 600_000 }))],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText('Token fetching')).toBeVisible();
  },
};

/** The endpoint refused (401): the error's message and code, announced together, and a button that fetches again. */
export const Failed: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ generator: localEndpoint(() => endpointError(401, 'unauthorized', 'Sign in first.')) }))],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const view = canvas.getByRole('region', { name: 'Token status' });
    await expect(await canvas.findByText('Token error')).toBeVisible();
    await expect(canvas.getByRole('status')).toHaveTextContent('Sign in first.');
    await expect(view).toHaveTextContent('http 401');
    await expect(canvas.getByRole('button', { name: 'Fetch the token again' })).toBeVisible();
  },
};

/**
 * The endpoint refused (401), then lets the user in: "Fetch the token again" gets a new token —
 * the interaction test of the retry.
 */
export const FailedThenRetried: Story = {
  ...shownCode(exampleSource),
  loaders: [
    async () => {
      const endpoint = { refusing: true };
      const generator = localEndpoint(() => (endpoint.refusing ? endpointError(401, 'unauthorized', 'Sign in first.') : undefined));
      return { endpoint, ...(await offlineSession(() => ({ generator }))()) };
    },
  ],
  play: async ({ canvasElement, loaded, step }) => {
    const canvas = within(canvasElement);
    const view = canvas.getByRole('region', { name: 'Token status' });
    await step('refused: message, code and retry', async () => {
      await expect(await canvas.findByText('Token error')).toBeVisible();
      await expect(view).toHaveTextContent('Sign in first.');
      await expect(view).toHaveTextContent('http 401');
    });
    await step('signed in: try again', async () => {
      (loaded.endpoint as { refusing: boolean }).refusing = false;
      await userEvent.click(canvas.getByRole('button', { name: 'Fetch the token again' }));
      await waitFor(() => expect(view).toHaveAttribute('data-status', 'ready'));
    });
  },
};

/** A token source nobody has asked for a token yet (passed as `source`, outside any session). */
export const Idle: Story = {
  ...shownCode(exampleSource),
  ...snippet(TokenStatusOfSource, ofSourceSource),
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('status')).toHaveTextContent('Token idle');
  },
};

function secondsOf(element: HTMLElement): number {
  const [minutes, seconds] = (element.textContent ?? '').replace('in ', '').split(':').map(Number);
  return (minutes ?? 0) * 60 + (seconds ?? 0);
}
