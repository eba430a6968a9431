import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { offlineSession, withOfflineSession } from './fixtures/offlineSession';
import { endpointError, localEndpoint } from './fixtures/generators';
import { agent, cameraOff, cameras, together } from './fixtures/scenes';
import { snippet } from './fixtures/snippet';
import { CallPage, type CallPageProps } from './snippets/CallPage';
import callPageSource from './snippets/CallPage.tsx?raw';
import { CallPageHebrew } from './snippets/CallPageHebrew';
import hebrewSource from './snippets/CallPageHebrew.tsx?raw';

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

/**
 * A call page in Hebrew, right to left: every text the five components show or give a screen
 * reader comes from the app (`labels`, `titles`, `retryLabel`, `refreshLabel`, `label`) — no
 * English left but the token's claim names.
 */
export const HebrewRightToLeft: StoryObj = {
  // Its own page, not CallPage: its props are in its code, so it takes no args.
  ...snippet(CallPageHebrew, hebrewSource),
  loaders: [
    offlineSession(() => ({
      agentConnectTimeoutMs: 600_000,
      connect: true,
      scene: together(cameras(3, ['דנה', 'יוסף']), agent('listening', { camera: true, cycle: ['listening', 'thinking', 'speaking'] })),
    })),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(canvas.getAllByRole('listitem')).toHaveLength(4), { timeout: 15_000 });
    await waitFor(() => expect(canvas.getByRole('region', { name: 'מצב האסימון' })).toHaveAttribute('data-status', 'ready'));
    await expect(canvas.getByRole('button', { name: 'יציאה' })).toBeVisible();
    const named = [...canvasElement.querySelectorAll('[aria-label]')].map((node) => node.getAttribute('aria-label')).join(' ');
    // None of the components' English texts, drawn or read out (the token's claim names, roomJoin…, are shown as they are).
    await expect(`${canvasElement.textContent ?? ''} ${named}`).not.toMatch(
      /Token|Identity|\bRoom\b|Grants|Expires|\(you\)|\bAgent\b|'s camera|Cameras|Connect|Disconnect|\bin \d|second|minute|hour|expired|Waiting|Try again/,
    );
  },
};
