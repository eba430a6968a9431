import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { CameraGrid } from '../src/index';
import { offlineSession, withOfflineSession } from './fixtures/offlineSession';
import { agent, cameraOff, cameras, together } from './fixtures/scenes';
import { shownCode, snippet } from './fixtures/snippet';
import { CameraGridExample } from './snippets/CameraGridExample';
import exampleSource from './snippets/CameraGridExample.tsx?raw';
import { CameraGridWithAgent } from './snippets/CameraGridWithAgent';
import withAgentSource from './snippets/CameraGridWithAgent.tsx?raw';

/**
 * A tile per camera of the session, filling the width it is given: one column for one camera,
 * two for two to four, three up to nine, four up to sixteen. The cameras are real
 * `MediaStreamTrack`s drawn on a canvas, published by simulated participants of a real
 * livekit-client `Room`; the story presses Connect for you.
 */
const meta = {
  title: 'Components/CameraGrid',
  component: CameraGrid,
  decorators: [withOfflineSession],
  ...snippet(CameraGridExample, exampleSource),
} satisfies Meta<typeof CameraGrid>;

export default meta;
type Story = StoryObj<typeof meta>;

const tiles =
  (count: number): Story['play'] =>
  async ({ canvasElement }) => {
    await waitFor(() => expect(within(canvasElement).getAllByRole('listitem')).toHaveLength(count), { timeout: 15_000 });
  };

/** You and three others: two by two. */
export const FourCameras: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ connect: true, scene: cameras(4) }))],
  play: tiles(4),
};

/** Just you, across the width. */
export const OneCamera: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ connect: true, scene: cameras(1) }))],
  play: async (context) => {
    await tiles(1)!(context);
    const mine = within(context.canvasElement).getByText('(you)');
    await expect(mine).toBeVisible();
    await expect(mine.closest('li')).toHaveTextContent('Hedy (you)');
  },
};

/** A call between two: side by side. */
export const TwoCameras: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ connect: true, scene: cameras(2) }))],
  play: tiles(2),
};

/** A full stand-up: twelve cameras, four by three. */
export const TwelveCameras: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ connect: true, scene: cameras(12) }))],
  play: tiles(12),
};

/** A town hall: thirty cameras, six across (fewer on a narrow screen, one on a phone). */
export const ThirtyCameras: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ connect: true, scene: cameras(30) }))],
  play: tiles(30),
};

/**
 * An agent with an avatar camera, emphasised (`emphasizeAgent`): its tile first, across the grid,
 * labelled with its name or "Agent" — never its generated identity. Someone without a camera
 * gets a placeholder tile.
 */
export const WithAgent: Story = {
  ...shownCode(exampleSource),
  ...snippet(CameraGridWithAgent, withAgentSource),
  loaders: [
    offlineSession(() => ({
      agentConnectTimeoutMs: 600_000,
      connect: true,
      scene: together(cameras(1), agent('listening', { camera: true }), cameraOff('Sam')),
    })),
  ],
  play: async (context) => {
    await tiles(3)!(context);
    const canvas = within(context.canvasElement);
    const [first] = canvas.getAllByRole('listitem');
    await expect(first).toHaveAttribute('data-emphasized');
    await expect(first).toHaveTextContent('Agent');
    await expect(canvas.getByText('Sam').closest('li')).toHaveAttribute('data-placeholder');
  },
};

/**
 * Two participants named Bob (a third without a camera): told apart on their tiles and to a screen
 * reader — "Bob", "Bob (2)", "Bob (3)", in the order of their identities, so the same for everyone
 * in the call. An app in another language words it with `labels.sameName`.
 */
export const SameName: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ connect: true, scene: together(cameras(3, ['Bob']), cameraOff('Bob')) }))],
  play: async (context) => {
    await tiles(4)!(context);
    const canvas = within(context.canvasElement);
    // `bob` (no camera), then `bob-0` and `bob-1`.
    await expect(canvas.getByText('Bob', { exact: true }).closest('li')).toHaveAttribute('data-placeholder');
    await expect(canvas.getByLabelText("Bob (2)'s camera").closest('li')).toHaveTextContent('Bob (2)');
    await expect(canvas.getByLabelText("Bob (3)'s camera").closest('li')).toHaveTextContent('Bob (3)');
  },
};

/** Not connected: the `empty` content. */
export const Disconnected: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession()],
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByText(/Nobody has a camera on yet/)).toBeVisible();
  },
};
