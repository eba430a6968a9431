import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { Playground as PlaygroundApp } from './app/Playground';
import callPageSource from './snippets/CallPage.tsx?raw';

/**
 * The live app: `npm start` runs the local LiveKit server, the test agent worker and this
 * Storybook, whose dev server mounts the package's real token endpoint at `/api/livekit-token`.
 * The call is the Examples' `CallPage`, unchanged. Without the server the story says how to start it.
 */
const meta = {
  title: 'Playground',
  component: PlaygroundApp,
  parameters: {
    layout: 'fullscreen',
    // The whole width for the app: no addon panel (it has no controls; its code is the CallPage below).
    options: { layout: { showPanel: false } },
    docs: { source: { code: callPageSource, language: 'tsx' } },
  },
  tags: ['!autodocs'],
} satisfies Meta<typeof PlaygroundApp>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Playground: Story = {
  play: async ({ canvasElement }) => {
    // On a static host (the storybook test stage) there is no token endpoint; the live test runs it with one.
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('heading', { level: 1 }, { timeout: 15_000 })).toBeVisible();
  },
};
