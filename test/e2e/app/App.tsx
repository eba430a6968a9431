import { VideoTrack, isTrackReference } from '@livekit/components-react';
import { ParticipantKind } from 'livekit-client';
import {
  CustomTokenSessionProvider,
  useAgentStatus,
  useCameraTracks,
  useSessionActions,
  useSessionState,
  useTokenStatus,
} from 'livekit-custom-token-react';
import { useEffect, useMemo, useState } from 'react';
import { createGenerator, generatorLog } from './generator';
import type { AppParams } from './params';
import { publishState, type E2EState } from './state';

/** The app under test: the package's provider around the app's own generator, and a way to unmount it. */
export function App({ params }: { params: AppParams }) {
  const [mounted, setMounted] = useState(true);
  return (
    <>
      <button data-testid="unmount" onClick={() => setMounted(false)}>
        Unmount
      </button>
      {mounted && <Session params={params} />}
    </>
  );
}

function Session({ params }: { params: AppParams }) {
  const generator = useMemo(() => createGenerator(params), [params]);
  const tokenSource = params.tokenEndpoint === undefined ? { generator } : { tokenEndpoint: params.tokenEndpoint };
  return (
    <CustomTokenSessionProvider
      {...tokenSource}
      roomName={params.roomName}
      participantIdentity={params.participantIdentity}
      participantName={params.participantName}
      agentName={params.agentName}
      freshRoomPerSession={params.freshRoomPerSession}
      agentConnectTimeoutMs={params.agentConnectTimeoutMs}
      camera
      microphone={false}
      retries={0}
      timeoutMs={5_000}
    >
      <Controls />
      <Probe />
      <RemoteVideos />
    </CustomTokenSessionProvider>
  );
}

function Controls() {
  const { start, end, restart } = useSessionActions();
  return (
    <>
      <button data-testid="start" onClick={() => void start()}>
        Start
      </button>
      <button data-testid="end" onClick={() => void end()}>
        End
      </button>
      <button data-testid="restart" onClick={() => void restart()}>
        Restart
      </button>
    </>
  );
}

/** A `<video data-identity>` per subscribed remote camera: the tests read the frames it shows. */
function RemoteVideos() {
  const cameras = useCameraTracks({ onlySubscribed: true, placeholders: false });
  return cameras
    .filter((camera) => !camera.participant.isLocal)
    .map((camera) =>
      isTrackReference(camera) ? (
        <VideoTrack key={camera.participant.identity} trackRef={camera} data-identity={camera.participant.identity} width={160} />
      ) : null,
    );
}

const connectionStates: string[] = [];

/** Publishes what the hooks report, for the tests to read. */
function Probe() {
  const session = useSessionState();
  const token = useTokenStatus();
  const agent = useAgentStatus();
  const cameras = useCameraTracks();

  const state: E2EState = {
    connectionState: session.connectionState,
    connectionStates,
    isConnected: session.isConnected,
    token: { status: token.status, identity: token.identity, room: token.room, errorCode: token.error?.code },
    cameras: cameras
      .filter((camera) => camera.publication?.track !== undefined)
      .map(({ participant }) => ({
        identity: participant.identity,
        isLocal: participant.isLocal,
        isAgent: participant.kind === ParticipantKind.AGENT,
      })),
    cameraRefs: cameras.map(({ participant, publication }) => ({
      identity: participant.identity,
      published: publication !== undefined,
      subscribed: publication?.isSubscribed ?? false,
    })),
    agent: { state: agent.state, identity: agent.identity, failureReasons: [...agent.failureReasons] },
    error: session.error && {
      code: session.error.code,
      reason: session.error.reason,
      failureReasons: [...session.error.failureReasons],
      message: session.error.message,
    },
  };
  if (connectionStates.at(-1) !== session.connectionState) connectionStates.push(session.connectionState);
  const json = JSON.stringify(state);
  useEffect(() => publishState(JSON.parse(json) as E2EState, generatorLog), [json]);
  return <pre id="e2e-state">{json}</pre>;
}
