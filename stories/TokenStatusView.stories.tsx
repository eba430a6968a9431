import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { createCustomTokenSource, TokenStatusView, type CustomTokenSource } from '../src/index';
import { endpointError, localEndpoint, offlineGenerator, pendingGenerator } from './fixtures/generators';
import { offlineSession, withOfflineSession } from './fixtures/offlineSession';

/**
 * The session's token: status, identity, room, grants and a countdown to expiry. Tokens here
 * are real LiveKit JWTs signed with the dev keys.
 */
const meta = {
  title: 'Components/TokenStatusView',
  component: TokenStatusView,
  decorators: [withOfflineSession],
} satisfies Meta<typeof TokenStatusView>;

export default meta;
type Story = StoryObj<typeof meta>;

/** A token source nobody has asked for a token yet (passed as `source`, outside any session). */
export const Idle: Story = {
  loaders: [async () => ({ source: createCustomTokenSource(offlineGenerator()) })],
  render: (args, { loaded }) => <TokenStatusView {...args} source={loaded.source as CustomTokenSource} />,
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('status')).toHaveTextContent('Token idle');
  },
};

/** The generator has not answered yet. */
export const Fetching: Story = {
  loaders: [offlineSession(() => ({ generator: pendingGenerator, timeoutMs: 600_000 }))],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText('Token fetching')).toBeVisible();
  },
};

/** Fetched on mount (LiveKit pre-warms the connection), ten minutes to go. */
export const Ready: Story = {
  loaders: [offlineSession(() => ({ participantIdentity: 'ada', participantName: 'Ada' }))],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText('Token ready')).toBeVisible();
    await expect(canvas.getByText('ada')).toBeVisible();
    await expect(canvas.getByText('standup')).toBeVisible();
  },
};

/**
 * A token with 40 s to live, counting down. While disconnected the source fetches a new one
 * ahead of expiry (at half its lifetime at most), so the countdown starts over instead of
 * reaching zero. The `play` function checks that the countdown moves.
 */
export const AboutToExpire: Story = {
  loaders: [offlineSession(() => ({ generator: offlineGenerator({ ttlSeconds: 40 }) }))],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const remaining = async () => secondsOf(await canvas.findByText(/^in \d+:\d\d$/));
    const first = await remaining();
    await expect(first).toBeLessThanOrEqual(40);
    await waitFor(async () => expect(await remaining()).toBeLessThan(first), { timeout: 3_000 });
  },
};

/** The endpoint refused: `error`, and the last good token (none here) is kept. */
export const Failed: Story = {
  loaders: [offlineSession(() => ({ generator: localEndpoint(() => endpointError(401, 'unauthorized', 'Sign in first.')) }))],
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText('Token error')).toBeVisible();
  },
};

function secondsOf(element: HTMLElement): number {
  const [minutes, seconds] = (element.textContent ?? '').replace('in ', '').split(':').map(Number);
  return (minutes ?? 0) * 60 + (seconds ?? 0);
}
