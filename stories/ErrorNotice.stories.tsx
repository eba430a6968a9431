import type { Meta, StoryObj } from '@storybook/react-vite';
import { ConnectionError, DisconnectReason } from 'livekit-client';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { ErrorNotice } from '../src/index';
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
import { shownCode, snippet } from './fixtures/snippet';
import { ErrorNoticeExample } from './snippets/ErrorNoticeExample';
import exampleSource from './snippets/ErrorNoticeExample.tsx?raw';
import { ErrorNoticeMisconfigured } from './snippets/ErrorNoticeMisconfigured';
import misconfiguredSource from './snippets/ErrorNoticeMisconfigured.tsx?raw';
import { ErrorNoticeWithAgent } from './snippets/ErrorNoticeWithAgent';
import withAgentSource from './snippets/ErrorNoticeWithAgent.tsx?raw';
import { ErrorNoticeWithCamera } from './snippets/ErrorNoticeWithCamera';
import withCameraSource from './snippets/ErrorNoticeWithCamera.tsx?raw';

/**
 * The session's one typed error, and what to do about it: "Try again" where starting again can
 * help, the app's own `action` (here a "Sign in" link) where it cannot — HTTP 401 and 403, a
 * token for another room. Each story makes the failure happen for real, offline: the token
 * endpoint answers an HTTP error, the generator times out or returns something unusable, LiveKit
 * refuses the connection, or the dispatched agent never comes. The story presses Connect for you.
 */
const meta = {
  title: 'Components/ErrorNotice',
  component: ErrorNotice,
  argTypes: {
    titles: { table: { type: { summary: '{ [code in CustomTokenErrorCode]?: string }' } } },
    action: { table: { type: { summary: 'ReactNode | ((error: CustomTokenError) => ReactNode)' } } },
  },
  decorators: [withOfflineSession],
  ...snippet(ErrorNoticeExample, exampleSource),
} satisfies Meta<typeof ErrorNotice>;

export default meta;
type Story = StoryObj<typeof meta>;

/**
 * A session that connects at once and fails as `setup` makes it; no retries, so the error shows
 * at once. The notice offers "Try again" where `retry` — else the app's "Sign in".
 */
const failing = (setup: () => OfflineSessionSetup, code: string, { retry = true } = {}): Story => ({
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ retries: 0, connect: true, ...setup() }))],
  play: async ({ canvasElement }) => {
    const alert = await within(canvasElement).findByRole('alert', undefined, { timeout: 15_000 });
    await expect(alert).toHaveAttribute('data-code', code);
    const notice = within(alert);
    if (retry) {
      await expect(notice.getByRole('button', { name: 'Try again' })).toBeVisible();
      await expect(notice.queryByRole('link')).toBeNull();
    } else {
      await expect(notice.queryByRole('button')).toBeNull();
      await expect(notice.getByRole('link', { name: 'Sign in' })).toBeVisible();
    }
  },
});
const answering = (answer: EndpointAnswer) => () => ({ generator: localEndpoint(() => answer) });

/** The endpoint refused the user: retrying cannot help, signing in can. */
export const Http401Unauthorized = failing(answering(endpointError(401, 'unauthorized', 'Sign in to join the call.')), 'http', {
  retry: false,
});

export const Http403Forbidden = failing(answering(endpointError(403, 'room_not_allowed', 'You may not join the room "standup".')), 'http', {
  retry: false,
});

/** 5xx is retried (with backoff) before it shows; here after one retry. */
export const Http503Unavailable: Story = failing(
  () => ({ ...answering(endpointError(503, 'unavailable', 'The token service is restarting.'))(), retries: 1, retryDelayMs: 200 }),
  'http',
);

/**
 * Over the caller's limit on the package's own endpoint (`limits`): 429 `rate_limited` with a
 * `Retry-After` longer than `maxRetryDelayMs`, so nothing asks again before it — the notice shows
 * at once, and trying again is the user's choice.
 */
export const Http429RateLimited = failing(
  answering({
    ...endpointError(429, 'rate_limited', 'Too many tokens for this caller: at most 30 every 60 s. Try again in 42 s.'),
    headers: { 'Retry-After': '42' },
  }),
  'http',
);

/** The endpoint's limit store (Redis) is down, and it refuses rather than count nothing: 503 `limits_unavailable`, retried before it shows. */
export const Http503LimitsUnavailable: Story = failing(
  () => ({
    ...answering(endpointError(503, 'limits_unavailable', 'Limits cannot be checked right now; try again shortly.'))(),
    retries: 1,
    retryDelayMs: 200,
  }),
  'http',
);

/** The generator did not answer within `timeoutMs` (1 s here). */
export const Timeout = failing(() => ({ generator: pendingGenerator, timeoutMs: 1_000 }), 'timeout');

/** The generator returned a bearer header instead of the token. */
export const InvalidResponse = failing(() => ({ generator: invalidResponseGenerator('Bearer eyJhbGciOi…') }), 'invalid_response');

/** The token had already expired when it arrived. */
export const Expired = failing(() => ({ generator: offlineGenerator({ ttlSeconds: -60 }) }), 'expired');

/** The token is for another room than the one asked for. */
export const Mismatch = failing(() => ({ generator: offlineGenerator({ room: 'someone-elses-room' }) }), 'mismatch', { retry: false });

/** The app's own generator threw. */
export const GeneratorFailed = failing(() => ({ generator: throwingGenerator('Our auth service is down.') }), 'generator_failed');

/** The app passed an option no token can be fetched for (an attribute that is not a string): a fix in the code, not a retry. */
export const InvalidOptions: Story = {
  ...failing(() => ({}), 'invalid_options', { retry: false }),
  ...snippet(ErrorNoticeMisconfigured, misconfiguredSource),
};

/**
 * The camera could not start: another application holds it (the browser's `NotReadableError`).
 * Closing that application and trying again helps; a denied permission offers no retry.
 */
export const MediaFailed: Story = {
  ...failing(() => ({ camera: true }), 'media_failed'),
  ...snippet(ErrorNoticeWithCamera, withCameraSource),
  beforeEach: () => {
    const media = navigator.mediaDevices;
    const own = Object.getOwnPropertyDescriptor(media, 'getUserMedia');
    media.getUserMedia = () => Promise.reject(new DOMException('Could not start video source', 'NotReadableError'));
    return () => {
      // Back to the browser's own (the prototype's) for the next story.
      if (own) Object.defineProperty(media, 'getUserMedia', own);
      else delete (media as Partial<MediaDevices>).getUserMedia;
    };
  },
};

/** LiveKit refused the connection (a token signed with the wrong secret looks like this). */
export const ConnectionRefused = failing(
  () => ({ outcome: ConnectionError.notAllowed('could not establish signal connection: invalid token signature', 401) }),
  'connection_failed',
);

/** The token dispatched an agent that never joined within `agentConnectTimeoutMs` (1.5 s here). */
export const AgentFailed: Story = {
  ...failing(() => ({ agentConnectTimeoutMs: 1_500 }), 'agent_failed'),
  ...snippet(ErrorNoticeWithAgent, withAgentSource),
};

/**
 * A live call ended by LiveKit, not by the app: here the same identity joined from another tab
 * (LiveKit's own disconnect handling runs, as on the server's `leave`). No "Try again": joining
 * again would end the other tab's call; the app's `action` shows instead (as after a removal).
 */
export const DisconnectedDuplicateIdentity: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession(() => ({ connect: true }))],
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    const { room } = (loaded as { session: OfflineSession }).session;
    await waitFor(() => expect(room.state).toBe('connected'));
    // livekit-client's own (private) handling of a server-side disconnect, as a `leave` signal runs it.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-call
    room['handleDisconnect'](true, DisconnectReason.DUPLICATE_IDENTITY);
    const alert = await canvas.findByRole('alert', undefined, { timeout: 15_000 });
    await expect(alert).toHaveAttribute('data-code', 'disconnected');
    await expect(alert).toHaveTextContent('another tab');
    await expect(within(alert).queryByRole('button')).toBeNull();
    await expect(within(alert).getByRole('link', { name: 'Sign in' })).toBeVisible();
  },
};

/**
 * The endpoint is down (503), then back — the keyboard test of the retry: the alert is announced,
 * Tab reaches "Try again" first, Enter restarts the session, and when the notice goes away the
 * focus moves on to the connect control instead of falling back to the page.
 */
export const RetrySucceeds: Story = {
  ...shownCode(exampleSource),
  loaders: [
    async () => {
      const endpoint = { down: true };
      const generator = localEndpoint(() =>
        endpoint.down ? endpointError(503, 'unavailable', 'The token service is restarting.') : undefined,
      );
      return { endpoint, ...(await offlineSession(() => ({ generator, retries: 0, connect: true }))()) };
    },
  ],
  play: async ({ canvasElement, loaded, step }) => {
    const canvas = within(canvasElement);
    await step('the endpoint is down: an alert with what happened', async () => {
      const alert = await canvas.findByRole('alert', undefined, { timeout: 15_000 });
      await expect(alert).toHaveTextContent('Could not get access to the call');
      await expect(alert).toHaveTextContent('HTTP 503');
    });
    await step('it is back: Tab to "Try again", Enter', async () => {
      (loaded.endpoint as { down: boolean }).down = false;
      await userEvent.tab();
      await expect(canvas.getByRole('button', { name: 'Try again' })).toHaveFocus();
      await userEvent.keyboard('{Enter}');
      await waitFor(() => expect(canvas.queryByRole('alert')).toBeNull());
      await waitFor(() => expect(canvas.getByRole('button', { name: 'Disconnect' })).toBeVisible());
      await expect(canvas.getByRole('button', { name: 'Disconnect' })).toHaveFocus();
    });
  },
};

/** Without an error it renders nothing. */
export const NoError: Story = {
  ...shownCode(exampleSource),
  loaders: [offlineSession()],
};
