import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { Playground as PlaygroundApp } from './app/Playground';

/**
 * The live app: `npm start` runs the local LiveKit server, the test agent worker and this
 * Storybook, whose dev server mounts the package's real token endpoint at `/api/livekit-token`.
 * Without them the story says how to start them.
 */
const meta = {
  title: 'Playground',
  component: PlaygroundApp,
  parameters: { layout: 'fullscreen' },
  tags: ['!autodocs'],
} satisfies Meta<typeof PlaygroundApp>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Playground: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    if (!import.meta.env.DEV) await expect(await canvas.findByText('This story needs the dev server')).toBeVisible();
  },
};
