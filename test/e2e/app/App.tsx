import { DisconnectButton, SessionProvider, VideoTrack, isTrackReference, useRoomContext } from '@livekit/components-react';
import { ParticipantKind, Room, RoomEvent, type RemoteParticipant } from 'livekit-client';
import {
  CameraGrid,
  CustomTokenSessionProvider,
  type CustomTokenSource,
  useAgentStatus,
  useCameraTracks,
  useCustomTokenSession,
  useCustomTokenSource,
  useSessionActions,
  useSessionState,
  useTokenStatus,
} from 'livekit-custom-token-react';
// The grid's layout (`grid=1`): both tiles of two participants in view at once, as in an app.
import 'livekit-custom-token-react/styles.css';
import { useEffect, useMemo, useState } from 'react';
import { createGenerator, generatorLog } from './generator';
import type { AppParams } from './params';
import { publishState, type E2EState, type E2EWindow } from './state';

/** The app under test: the package's provider around the app's own generator, and the controls a page changes it with. */
export function App({ params }: { params: AppParams }) {
  const [mounted, setMounted] = useState(true);
  // Unset until a test clicks a `connect-*` control: only the actions connect.
  const [connect, setConnect] = useState<boolean | undefined>(undefined);
  const [roomChanges, setRoomChanges] = useState(0);
  const [withAgent, setWithAgent] = useState(true);
  if (params.hooks) return <HooksPage params={params} />;
  const props: SessionProps = {
    params,
    connect,
    // `next-room` moves to `<room>-2`, `<room>-3`, …: every name keeps the page's room as its prefix.
    roomName: roomChanges === 0 || params.roomName === undefined ? params.roomName : `${params.roomName}-${roomChanges + 1}`,
    agentName: withAgent ? params.agentName : undefined,
  };
  return (
    <>
      <button data-testid="unmount" onClick={() => setMounted(false)}>
        Unmount
      </button>
      <button data-testid="mount" onClick={() => setMounted(true)}>
        Mount
      </button>
      <button data-testid="connect-true" onClick={() => setConnect(true)}>
        connect=true
      </button>
      <button data-testid="connect-false" onClick={() => setConnect(false)}>
        connect=false
      </button>
      <button data-testid="connect-unset" onClick={() => setConnect(undefined)}>
        connect unset
      </button>
      <button data-testid="next-room" onClick={() => setRoomChanges((changes) => changes + 1)}>
        Next room
      </button>
      <button data-testid="toggle-agent" onClick={() => setWithAgent((agent) => !agent)}>
        Agent on/off
      </button>
      {mounted && <Session {...props} />}
    </>
  );
}

/**
 * The hooks path: the page keeps the token source (and shows its status), the call component runs
 * LiveKit's session on it with `useCustomTokenSession`. Its start publishes nothing: the tests look
 * at who joins the room. `connectionState` is the session's while the call component is mounted.
 */
function HooksPage({ params }: { params: AppParams }) {
  const [mounted, setMounted] = useState(true);
  const [sessionState, setSessionState] = useState('');
  const source = useCustomTokenSource(useMemo(() => createGenerator(params), [params]));
  const { status, identity, room, error } = useTokenStatus(source);
  const connectionState = mounted ? sessionState : 'unmounted';
  if (hooksConnectionStates.at(-1) !== connectionState) hooksConnectionStates.push(connectionState);
  const state: E2EState = {
    ...hooksPageState,
    connectionState,
    connectionStates: hooksConnectionStates,
    token: { status, identity: identity ?? undefined, room: room ?? undefined, errorCode: error?.code },
  };
  const json = JSON.stringify(state);
  useEffect(() => publishState(JSON.parse(json) as E2EState, generatorLog), [json]);
  return (
    <>
      <button data-testid="unmount" onClick={() => setMounted(false)}>
        Unmount
      </button>
      {mounted && <HooksCall source={source} params={params} onState={setSessionState} />}
    </>
  );
}

const hooksConnectionStates: string[] = [];

const hooksPageState: E2EState = {
  connectionState: '',
  connectionStates: [],
  isConnected: false,
  isStarting: false,
  isEnding: false,
  token: { status: '' },
  cameras: [],
  cameraRefs: [],
  agent: { state: '', failureReasons: [] },
  agentStates: [],
  error: null,
};

/** What the hooks path's `start()` asks for: nothing, LiveKit's default (its microphone, with the pre-connect buffer), or the camera. */
const hooksTracks = { none: {}, default: undefined, camera: { camera: { enabled: true } } };

function HooksCall({ source, params, onState }: { source: CustomTokenSource; params: AppParams; onState: (state: string) => void }) {
  const session = useCustomTokenSession(source, { roomName: params.roomName, participantIdentity: params.participantIdentity });
  useEffect(() => onState(session.connectionState), [onState, session.connectionState]);
  return (
    <SessionProvider session={session}>
      <button data-testid="start" onClick={() => void session.start({ tracks: hooksTracks[params.hooksTracks ?? 'none'] }).catch(() => {})}>
        Start
      </button>
      <button data-testid="end" onClick={() => void session.end()}>
        End
      </button>
      {/* LiveKit's own Leave (its ControlBar's): the room's disconnect(), not the session's end(). */}
      <DisconnectButton data-testid="leave-room">Leave</DisconnectButton>
    </SessionProvider>
  );
}

interface SessionProps {
  params: AppParams;
  connect: boolean | undefined;
  roomName: string | undefined;
  agentName: string | undefined;
}

function Session({ params, connect, roomName, agentName }: SessionProps) {
  const generator = useMemo(() => createGenerator(params), [params]);
  const [room] = useState(() => (params.adaptiveStream ? new Room({ adaptiveStream: true }) : undefined));
  const tokenSource = params.tokenEndpoint === undefined ? { generator } : { tokenEndpoint: params.tokenEndpoint };
  return (
    <CustomTokenSessionProvider
      {...tokenSource}
      connect={connect}
      roomName={roomName}
      participantIdentity={params.participantIdentity}
      participantName={params.participantName}
      agentName={agentName}
      freshRoomPerSession={params.freshRoomPerSession}
      room={room}
      agentConnectTimeoutMs={params.agentConnectTimeoutMs}
      camera
      microphone={false}
      retries={0}
      timeoutMs={5_000}
    >
      <Controls />
      {params.restartOnAgentLeave && <RestartOnAgentLeave />}
      <Probe />
      {params.grid ? <Grid /> : <RemoteVideos />}
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

/** An app that wants a new agent as soon as its agent leaves: `restart()` in the task the departure is heard, before React renders it. */
function RestartOnAgentLeave() {
  const room = useRoomContext();
  const { restart } = useSessionActions();
  useEffect(() => {
    const onLeft = (participant: RemoteParticipant) => {
      if (participant.kind === ParticipantKind.AGENT) void restart();
    };
    room.on(RoomEvent.ParticipantDisconnected, onLeft);
    return () => void room.off(RoomEvent.ParticipantDisconnected, onLeft);
  }, [room, restart]);
  return null;
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

/** Instead of the bare videos: the package's `<CameraGrid>`, which the page can hide (`display: none`), and the page's camera turned off and on. */
function Grid() {
  const room = useRoomContext();
  const [hidden, setHidden] = useState(false);
  // For the tests to read what livekit-client holds (a publication paused by adaptive stream, say).
  useEffect(() => void ((window as E2EWindow).__room = room), [room]);
  return (
    <>
      <button data-testid="camera-off" onClick={() => void room.localParticipant.setCameraEnabled(false)}>
        Camera off
      </button>
      <button data-testid="camera-on" onClick={() => void room.localParticipant.setCameraEnabled(true)}>
        Camera on
      </button>
      <button data-testid="toggle-grid" onClick={() => setHidden((was) => !was)}>
        Hide/show the grid
      </button>
      <div style={hidden ? { display: 'none' } : undefined}>
        <CameraGrid />
      </div>
    </>
  );
}

const connectionStates: string[] = [];
const agentStates: string[] = [];

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
    isStarting: session.isStarting,
    isEnding: session.isEnding,
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
    agentStates,
    error: session.error && {
      code: session.error.code,
      reason: session.error.reason,
      failureReasons: [...session.error.failureReasons],
      message: session.error.message,
    },
  };
  if (connectionStates.at(-1) !== session.connectionState) connectionStates.push(session.connectionState);
  if (agentStates.at(-1) !== agent.state) agentStates.push(agent.state);
  const json = JSON.stringify(state);
  useEffect(() => publishState(JSON.parse(json) as E2EState, generatorLog), [json]);
  return <pre id="e2e-state">{json}</pre>;
}
