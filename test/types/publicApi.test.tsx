/**
 * The public types, checked by `tsc` in the typecheck stage of `npm test` (expectTypeOf is a
 * no-op at run time): a change to the client or server entry's contract fails the build here.
 */
import type { TrackReferenceOrPlaceholder, UseSessionReturn, useSession } from '@livekit/components-react';
import { TokenSourceConfigurable } from 'livekit-client';
import { describe, expectTypeOf, it } from 'vitest';
import {
  CameraGrid,
  CustomTokenSessionProvider,
  TokenStatusView,
  createCustomTokenSource,
  createEndpointGenerator,
  useAgentStatus,
  useCameraTracks,
  useCustomTokenSession,
  useCustomTokenSource,
  useSessionActions,
  useSessionState,
  useTokenStatus,
  CustomTokenError,
  isCustomTokenError,
  type AgentStatus,
  type CameraGridLabels,
  type ConfigurableSessionOptions,
  type CustomTokenErrorCode,
  type CustomTokenSource,
  type TokenGenerator,
  type TokenRequest,
  type SessionActions,
  type TokenSnapshot,
  type TokenStatusViewLabels,
  type TokenTimeLeft,
  type UseAgentStatusReturn,
  type UseCameraTracksReturn,
  type UseCustomTokenSessionOptions,
  type UseCustomTokenSessionReturn,
  type UseCustomTokenSourceReturn,
  type UseSessionActionsReturn,
  type UseSessionStateReturn,
  type UseTokenStatusReturn,
} from '../../src/index';
import type { VideoGrant } from 'livekit-server-sdk';
import {
  createTokenHandler,
  toNodeHandler,
  type AuthorizedParticipant,
  type ParticipantGrants,
  type TokenHandler,
  type TokenHandlerConfig,
  type TokenHandlerEnv,
  type TokenHandlerErrorCode,
} from '../../src/server/index';

describe('public types', () => {
  it('gives useSession a livekit-client TokenSourceConfigurable', () => {
    expectTypeOf(createCustomTokenSource).returns.toEqualTypeOf<CustomTokenSource>();
    expectTypeOf(useCustomTokenSource).returns.toMatchTypeOf<TokenSourceConfigurable>();
  });

  it('calls the generator with the request and a signal, and wants serverUrl and participantToken back', () => {
    expectTypeOf<Parameters<TokenGenerator>[0]>().toEqualTypeOf<TokenRequest>();
    expectTypeOf<Parameters<TokenGenerator>[1]['signal']>().toEqualTypeOf<AbortSignal>();
    expectTypeOf<Awaited<ReturnType<TokenGenerator>>>().toEqualTypeOf<{ serverUrl: string; participantToken: string }>();
    expectTypeOf(createEndpointGenerator).returns.toEqualTypeOf<TokenGenerator>();
  });

  it('names every error code', () => {
    expectTypeOf<CustomTokenErrorCode>().toEqualTypeOf<
      | 'invalid_options'
      | 'generator_failed'
      | 'timeout'
      | 'aborted'
      | 'http'
      | 'invalid_response'
      | 'expired'
      | 'mismatch'
      | 'connection_failed'
      | 'media_failed'
      | 'agent_failed'
      | 'disconnected'
      | 'outside_provider'
    >();
    expectTypeOf<TokenSnapshot['status']>().toEqualTypeOf<'idle' | 'fetching' | 'ready' | 'expired' | 'error'>();
    expectTypeOf(useTokenStatus).returns.toMatchTypeOf<TokenSnapshot & { refresh: () => Promise<void> }>();
  });

  it('narrows an error by its code: an http error has a status, a media or disconnect failure its reason', () => {
    const read = (error: CustomTokenError) => {
      if (error.code === 'http') expectTypeOf(error.status).toEqualTypeOf<number>();
      if (error.code === 'media_failed' || error.code === 'disconnected') expectTypeOf(error.reason).toEqualTypeOf<string>();
      if (error.code === 'connection_failed') expectTypeOf(error.reason).toEqualTypeOf<string | undefined>();
      if (error.code === 'generator_failed') expectTypeOf(error.status).toEqualTypeOf<number | undefined>();
      expectTypeOf(error.failureReasons).toEqualTypeOf<readonly string[]>();
      expectTypeOf(error.retryable).toEqualTypeOf<boolean>();
    };
    expectTypeOf(read).toBeFunction();
    const caught = (error: unknown) => {
      if (isCustomTokenError(error) && error.code === 'http') expectTypeOf(error.status).toEqualTypeOf<number>();
      if (error instanceof CustomTokenError && error.code === 'http') expectTypeOf(error.status).toEqualTypeOf<number>();
    };
    expectTypeOf(caught).toBeFunction();
  });

  it('makes an error with what its code promises', () => {
    expectTypeOf(new CustomTokenError('http', 'The endpoint answered 401.', { status: 401 })).toEqualTypeOf<CustomTokenError<'http'>>();
    expectTypeOf(new CustomTokenError('timeout', 'Too slow.')).toEqualTypeOf<CustomTokenError<'timeout'>>();
    expectTypeOf(new CustomTokenError('timeout', 'Too slow.')).toMatchTypeOf<CustomTokenError>();
    // @ts-expect-error an http error says its status
    expectTypeOf(new CustomTokenError('http', 'The endpoint failed.')).toBeObject();
    // @ts-expect-error a disconnect says LiveKit's reason
    expectTypeOf(new CustomTokenError('disconnected', 'Ended.', {})).toBeObject();
  });

  it('lets a session hold a shared source connected until it lets go, beside the boolean setConnected', () => {
    expectTypeOf<CustomTokenSource['holdConnected']>().toEqualTypeOf<() => () => void>();
    expectTypeOf<CustomTokenSource['setConnected']>().toEqualTypeOf<(connected: boolean) => void>();
  });

  it('names the options type useCustomTokenSession takes, with the generic it is built from', () => {
    expectTypeOf<UseCustomTokenSessionOptions>().toEqualTypeOf<ConfigurableSessionOptions<typeof useSession>>();
  });

  it('names the return type of every hook UseXReturn, as the options are UseXOptions', () => {
    expectTypeOf(useCustomTokenSource).returns.toEqualTypeOf<UseCustomTokenSourceReturn>();
    expectTypeOf<UseCustomTokenSourceReturn>().toEqualTypeOf<CustomTokenSource>();
    expectTypeOf(useCustomTokenSession).returns.toEqualTypeOf<UseCustomTokenSessionReturn>();
    expectTypeOf<UseCustomTokenSessionReturn>().toEqualTypeOf<UseSessionReturn>();
    expectTypeOf(useTokenStatus).returns.toEqualTypeOf<UseTokenStatusReturn>();
    expectTypeOf(useSessionState).returns.toEqualTypeOf<UseSessionStateReturn>();
    expectTypeOf(useSessionActions).returns.toEqualTypeOf<UseSessionActionsReturn>();
    expectTypeOf<UseSessionActionsReturn>().toEqualTypeOf<SessionActions>();
    expectTypeOf(useCameraTracks).returns.toEqualTypeOf<UseCameraTracksReturn>();
    expectTypeOf<UseCameraTracksReturn>().toEqualTypeOf<readonly TrackReferenceOrPlaceholder[]>();
    expectTypeOf(useAgentStatus).returns.toEqualTypeOf<UseAgentStatusReturn>();
    expectTypeOf<UseAgentStatusReturn>().toEqualTypeOf<AgentStatus>();
  });

  it('wants exactly one token source on the provider', () => {
    const generator: TokenGenerator = async () => ({ serverUrl: 'wss://example.invalid', participantToken: '' });
    expectTypeOf(<CustomTokenSessionProvider generator={generator} roomName="standup" />).not.toBeAny();
    expectTypeOf(<CustomTokenSessionProvider tokenEndpoint="/api/token" />).not.toBeAny();
    // @ts-expect-error a provider needs a generator, a tokenSource or a tokenEndpoint
    expectTypeOf(<CustomTokenSessionProvider roomName="standup" />).not.toBeAny();
    // @ts-expect-error only one of them
    expectTypeOf(<CustomTokenSessionProvider generator={generator} tokenEndpoint="/api/token" />).not.toBeAny();
  });

  it('takes the texts of CameraGrid and TokenStatusView as labels, any of their keys, the countdown a function of the time left', () => {
    expectTypeOf<CameraGridLabels['camera']>().toEqualTypeOf<(name: string) => string>();
    // Optional: a CameraGridLabels written before it (you, agent and camera) still type-checks.
    expectTypeOf({ you: '(du)', agent: 'Assistent', camera: (name: string) => name }).toExtend<CameraGridLabels>();
    expectTypeOf(<CameraGrid labels={{ sameName: (name, ordinal) => `${name} Nr. ${ordinal}` }} />).not.toBeAny();
    expectTypeOf<TokenStatusViewLabels['expiresIn']>().toEqualTypeOf<(left: TokenTimeLeft) => string>();
    expectTypeOf<TokenStatusViewLabels['ready']>().toEqualTypeOf<string>();
    expectTypeOf(<CameraGrid labels={{ you: '(du)' }} />).not.toBeAny();
    expectTypeOf(<TokenStatusView labels={{ region: 'Zugangstoken', expiresIn: ({ clock }) => `noch ${clock}` }} />).not.toBeAny();
    // @ts-expect-error a text the grid does not have
    expectTypeOf(<CameraGrid labels={{ you: '(du)', me: 'ich' }} />).not.toBeAny();
  });

  it("takes livekit-server-sdk's own VideoGrant (without the room) as the grants authorize returns, with no import of it", () => {
    expectTypeOf<Omit<VideoGrant, 'room' | 'roomJoin'>>().toExtend<ParticipantGrants>();
    expectTypeOf<NonNullable<AuthorizedParticipant['grants']>>().toEqualTypeOf<ParticipantGrants>();
  });

  it('makes a Fetch-API handler and a Node adapter on the server entry', () => {
    expectTypeOf(createTokenHandler).returns.toEqualTypeOf<TokenHandler>();
    // A Worker's env bindings, Next.js' route context, Bun's server and Deno's connection info all fit
    // the second argument — declared as interfaces, which have no index signature.
    interface WorkerEnv {
      LIVEKIT_API_SECRET: string;
      TOKENS: { get(key: string): Promise<string | null> };
    }
    interface BunServer {
      upgrade(request: Request): boolean;
    }
    interface RouteContext {
      params: Promise<{ slug: string }>;
    }
    expectTypeOf<TokenHandler>().toExtend<
      (request: Request, env: WorkerEnv, context: { waitUntil(work: Promise<unknown>): void }) => Promise<Response>
    >();
    expectTypeOf<TokenHandler>().toExtend<(request: Request, server: BunServer) => Promise<Response>>();
    expectTypeOf<TokenHandler>().toExtend<(request: Request, context: RouteContext) => Promise<Response>>();
    expectTypeOf<{ LIVEKIT_API_SECRET: string; TOKENS: { get(key: string): Promise<string | null> } }>().toExtend<TokenHandlerEnv>();
    expectTypeOf(toNodeHandler).parameter(0).toEqualTypeOf<(request: Request) => Promise<Response>>();
  });

  it('bounds the app’s callbacks with authorizeTimeoutMs, answered with the authorize_timeout code', () => {
    expectTypeOf<TokenHandlerConfig['authorizeTimeoutMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<'authorize_timeout'>().toExtend<TokenHandlerErrorCode>();
  });
});
