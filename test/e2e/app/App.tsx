import { SessionProvider, useAgent, useSession, useSessionContext, useTracks } from '@livekit/components-react';
import { ParticipantKind, Track } from 'livekit-client';
import { useCustomTokenSource, useTokenStatus, type CustomTokenSource } from 'livekit-custom-token-react';
import { useEffect, useMemo, useState } from 'react';
import { createGenerator, generatorCalls } from './generator';
import type { AppParams } from './params';
import { publishState, type E2EState } from './state';

type StartError = E2EState['error'];

function describeError(error: unknown): NonNullable<StartError> {
  const { code, reason, message } = error as { code?: string; reason?: unknown; message?: string };
  return { code, reason: reason === undefined ? undefined : String(reason), message: message ?? String(error) };
}

export function App({ params }: { params: AppParams }) {
  const generator = useMemo(() => createGenerator(params), [params]);
  const source = useCustomTokenSource(generator, { retries: 0, timeoutMs: 5_000 });
  const session = useSession(source, {
    roomName: params.roomName,
    participantIdentity: params.participantIdentity,
    participantName: params.participantName,
    agentName: params.agentName,
    agentConnectTimeoutMilliseconds: params.agentConnectTimeoutMs,
  });
  const [error, setError] = useState<StartError>(null);

  const start = () => {
    setError(null);
    session.start({ tracks: { camera: { enabled: true } } }).catch((reason: unknown) => setError(describeError(reason)));
  };
  const end = () => void session.end().catch((reason: unknown) => setError(describeError(reason)));

  return (
    <SessionProvider session={session}>
      <button data-testid="start" onClick={start}>Start</button>
      <button data-testid="end" onClick={end}>End</button>
      <Probe source={source} error={error} />
    </SessionProvider>
  );
}

function Probe({ source, error }: { source: CustomTokenSource; error: StartError }) {
  const session = useSessionContext();
  const token = useTokenStatus(source);
  const agent = useAgent();
  const cameras = useTracks([Track.Source.Camera], { onlySubscribed: true });

  const state: E2EState = {
    connectionState: session.connectionState,
    isConnected: session.isConnected,
    token: {
      status: token.status,
      identity: token.identity,
      room: token.room,
      errorCode: token.error?.code,
      generatorCalls: token.generatorCalls,
    },
    cameras: cameras.map(({ participant }) => ({
      identity: participant.identity,
      isLocal: participant.isLocal,
      isAgent: participant.kind === ParticipantKind.AGENT,
    })),
    agent: { state: agent.state, identity: agent.identity },
    error,
  };
  const json = JSON.stringify(state);
  useEffect(() => publishState(JSON.parse(json) as E2EState, generatorCalls), [json]);
  return <pre id="e2e-state">{json}</pre>;
}
