import type { Meta, StoryObj } from '@storybook/react-vite';
import { ConnectionError, DisconnectReason } from 'livekit-client';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ConnectButton, ErrorNotice } from '../src/index';
import {
  endpointError,
  invalidResponseGenerator,
  localEndpoint,
  offlineGenerator,
  pendingGenerator,
  throwingGenerator,
  type EndpointAnswer,
} from './fixtures/generators';
import { offlineSession, withOfflineSession, type OfflineSession, type OfflineSessionSetup } from './fixtures/offlineSession';

/**
 * The session's one typed error with a retry button. Each story makes the failure happen for
 * real: the token endpoint answers an HTTP error, the generator times out or returns something
 * unusable, LiveKit refuses the connection, or the dispatched agent never comes.
 */
const meta = {
  title: 'Components/ErrorNotice',
  component: ErrorNotice,
  decorators: [withOfflineSession],
} satisfies Meta<typeof ErrorNotice>;

export default meta;
type Story = StoryObj<typeof meta>;

/** A session that connects at once and fails as `setup` makes it; no retries, so the error shows at once. */
const failing = (setup: () => OfflineSessionSetup, code: string): Story => ({
  loaders: [offlineSession(() => ({ retries: 0, connect: true, ...setup() }))],
  play: async ({ canvasElement }) => {
    const alert = await within(canvasElement).findByRole('alert', undefined, { timeout: 8_000 });
    await expect(alert).toHaveAttribute('data-code', code);
  },
});
const answering = (answer: EndpointAnswer) => () => ({ generator: localEndpoint(() => answer) });

/** Without an error it renders nothing. */
export const NoError: Story = { loaders: [offlineSession()] };

export const Http401Unauthorized = failing(answering(endpointError(401, 'unauthorized', 'Sign in to join the call.')), 'http');

export const Http403Forbidden = failing(answering(endpointError(403, 'room_not_allowed', 'You may not join the room "standup".')), 'http');

/** 5xx is retried (with backoff) before it shows; here after one retry. */
export const Http503Unavailable: Story = failing(
  () => ({ ...answering(endpointError(503, 'unavailable', 'The token service is restarting.'))(), retries: 1, retryDelayMs: 200 }),
  'http',
);

/** The generator did not answer within `timeoutMs` (1 s here). */
export const Timeout = failing(() => ({ generator: pendingGenerator, timeoutMs: 1_000 }), 'timeout');

/** The generator returned a bearer header instead of the token. */
export const InvalidResponse = failing(() => ({ generator: invalidResponseGenerator('Bearer eyJhbGciOi…') }), 'invalid_response');

/** The token had already expired when it arrived. */
export const Expired = failing(() => ({ generator: offlineGenerator({ ttlSeconds: -60 }) }), 'expired');

/** The token is for another room than the one asked for. */
export const Mismatch = failing(() => ({ generator: offlineGenerator({ room: 'someone-elses-room' }) }), 'mismatch');

/** The app's own generator threw. */
export const GeneratorFailed = failing(() => ({ generator: throwingGenerator('Our auth service is down.') }), 'generator_failed');

/** LiveKit refused the connection (a token signed with the wrong secret looks like this). */
export const ConnectionRefused = failing(
  () => ({ outcome: ConnectionError.notAllowed('could not establish signal connection: invalid token signature', 401) }),
  'connection_failed',
);

/** The token dispatched an agent that never joined within `agentConnectTimeoutMs` (1.5 s here). */
export const AgentFailed = failing(() => ({ agentName: 'helper', agentConnectTimeoutMs: 1_500 }), 'agent_failed');

/**
 * A live call ended by LiveKit, not by the app: here the same identity joined from another tab
 * (LiveKit's own disconnect handling runs, as on the server's `leave`).
 */
export const DisconnectedDuplicateIdentity: Story = {
  loaders: [offlineSession(() => ({ connect: true }))],
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    const { room } = (loaded as { session: OfflineSession }).session;
    await waitFor(() => expect(room.state).toBe('connected'));
    // livekit-client's own (private) handling of a server-side disconnect, as a `leave` signal runs it.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-call
    room['handleDisconnect'](true, DisconnectReason.DUPLICATE_IDENTITY);
    const alert = await canvas.findByRole('alert', undefined, { timeout: 5_000 });
    await expect(alert).toHaveAttribute('data-code', 'disconnected');
    await expect(alert).toHaveTextContent('another tab');
  },
};

/**
 * The endpoint is down (503), then back: "Try again" restarts the session and connects —
 * the interaction test of the retry button.
 */
export const RetrySucceeds: Story = {
  loaders: [
    async () => {
      const endpoint = { down: true };
      const generator = localEndpoint(() => (endpoint.down ? endpointError(503, 'unavailable', 'The token service is restarting.') : undefined));
      return { endpoint, ...(await offlineSession(() => ({ generator, retries: 0, connect: true }))()) };
    },
  ],
  render: (args) => (
    <>
      <ErrorNotice {...args} />
      <ConnectButton />
    </>
  ),
  play: async ({ canvasElement, loaded, step }) => {
    const canvas = within(canvasElement);
    await step('the endpoint is down', async () => {
      await expect(await canvas.findByRole('alert', undefined, { timeout: 5_000 })).toHaveTextContent('HTTP 503');
    });
    await step('it is back; try again', async () => {
      (loaded.endpoint as { down: boolean }).down = false;
      await userEvent.click(canvas.getByRole('button', { name: 'Try again' }));
      await waitFor(() => expect(canvas.queryByRole('alert')).toBeNull());
      await waitFor(() => expect(canvas.getByRole('button', { name: 'Disconnect' })).toBeVisible());
    });
  },
};
