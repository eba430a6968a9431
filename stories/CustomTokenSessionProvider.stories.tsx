import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { CustomTokenSessionProvider } from '../src/index';
import { offlineSession, withOfflineSession } from './fixtures/offlineSession';
import { cameras } from './fixtures/scenes';
import { shownCode } from './fixtures/snippet';
import { ProviderExample } from './snippets/ProviderExample';
import exampleSource from './snippets/ProviderExample.tsx?raw';
import { ProviderWithoutPrefetch } from './snippets/ProviderWithoutPrefetch';
import withoutPrefetchSource from './snippets/ProviderWithoutPrefetch.tsx?raw';

/** The props table in four groups, so that a reader finds a prop by what it is about. */
const inCategory = (category: string, names: string[]) => Object.fromEntries(names.map((name) => [name, { table: { category } }]));

/**
 * Rows the docgen cannot write: where tokens come from (a union: exactly one of the three), and
 * the token options, which are livekit-client's `TokenSourceFetchOptions` (it documents none).
 */
const row = (category: string, summary: string, description: string) => ({ description, table: { category, type: { summary } } });
const SOURCE = 'Where tokens come from (one of)';
const OPTIONS = 'The token asked for';
const argTypes = {
  tokenEndpoint: row(
    SOURCE,
    'string',
    "The URL of a standard token endpoint (`createTokenHandler`, or any server speaking LiveKit's endpoint format): the same as `generator={createEndpointGenerator(url)}`, and the one a Server Component can pass.",
  ),
  generator: row(
    SOURCE,
    'TokenGenerator',
    "The app's own token generator: called with the token options and `{ signal }`, it returns `{ serverUrl, participantToken }`. The provider builds the cached source around it.",
  ),
  tokenSource: row(
    SOURCE,
    'CustomTokenSource',
    'A source the app already built (`createCustomTokenSource`, `useCustomTokenSource`), shared with other code.',
  ),
  roomName: row(OPTIONS, 'string', 'The room to join; without it, the token endpoint names one.'),
  participantName: row(OPTIONS, 'string', 'Display name of the participant.'),
  participantIdentity: row(
    OPTIONS,
    'string',
    'Identity asked for; a token endpoint may decide it instead (`createTokenHandler` does, from `authorize`).',
  ),
  participantMetadata: row(OPTIONS, 'string', "Metadata of the participant, as the token's `metadata`."),
  participantAttributes: row(
    OPTIONS,
    'Record<string, string>',
    'Attributes of the participant, compared by value (an inline object is fine).',
  ),
  agentName: row(
    OPTIONS,
    'string',
    'An agent to dispatch to the room with the token (`roomConfig.agents`); the session then waits for it to be ready.',
  ),
  agentMetadata: row(OPTIONS, 'string', 'Metadata for the dispatched agent.'),
  deployment: row(OPTIONS, 'string', 'Deployment of the dispatched agent.'),
  ...inCategory('The session', [
    'children',
    'connect',
    'microphone',
    'camera',
    'screenShare',
    'prefetch',
    'freshRoomPerSession',
    'agentConnectTimeoutMs',
    'onError',
    'room',
    'roomConnectOptions',
  ]),
  ...inCategory('The token cache', [
    'queryClient',
    'scope',
    'cacheSize',
    'timeoutMs',
    'refreshMarginMs',
    'retries',
    'retryDelayMs',
    'maxRetryDelayMs',
    'initialToken',
    'onEvent',
  ]),
};

/**
 * Runs a LiveKit session on the app's own tokens and puts it into context for the components
 * and hooks inside: give it one of `tokenEndpoint`, `generator` or `tokenSource`, and the
 * options of the token it asks for. Every story runs the code it shows, offline: a real
 * livekit-client `Room` that skips only the network, with tokens minted in the page instead of
 * by `/api/livekit-token`. The props table below is the provider's whole reference; the order
 * of events it keeps (leaving, rejoining, unmounting mid-connect) is in `docs/session-lifecycle.md`.
 */
const meta = {
  title: 'Components/CustomTokenSessionProvider',
  component: CustomTokenSessionProvider,
  argTypes,
  decorators: [withOfflineSession],
  render: () => <ProviderExample />,
} satisfies Meta<typeof CustomTokenSessionProvider>;

export default meta;
// No args: the stories render snippets, whose props are in their code (the docs show it); `component` gives only the props table.
type Story = StoryObj;

/** The default: the token is fetched on mount (LiveKit's pre-warm), so Connect joins at once. */
export const Prefetched: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ scene: cameras(1) }))],
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    await step('the token is in hand before anyone clicks', async () => {
      await expect(await canvas.findByText('Token ready')).toBeVisible();
    });
    await step('Connect joins with it', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Connect' }));
      await waitFor(() => expect(canvas.getByRole('button', { name: 'Disconnect' })).toBeVisible());
    });
  },
};

/**
 * `prefetch={false}`: nothing is fetched until Connect — the token status stays `idle` — then the
 * token is fetched and the session joins with it.
 */
export const WithoutPrefetch: Story = {
  ...shownCode(withoutPrefetchSource),
  render: () => <ProviderWithoutPrefetch />,
  loaders: [offlineSession(() => ({ scene: cameras(1) }))],
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    await step('no token while nobody asks to join', async () => {
      await expect(await canvas.findByText('Token idle')).toBeVisible();
      // Longer than the offline generator's 250 ms: a prefetch would have answered by now.
      await new Promise((resolve) => setTimeout(resolve, 600));
      await expect(canvas.getByText('Token idle')).toBeVisible();
    });
    await step('Connect fetches the token and joins', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Connect' }));
      await waitFor(() => expect(canvas.getByRole('button', { name: 'Disconnect' })).toBeVisible());
      await expect(canvas.getByText('Token ready')).toBeVisible();
    });
  },
};
