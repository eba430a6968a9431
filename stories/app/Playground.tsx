import * as React from 'react';
import { createEndpointGenerator, CustomTokenSessionProvider } from '../../src/index';
import { CallScreen } from './CallScreen';
import { StartTheServer } from './StartTheServer';
import { useLocalServerStatus } from './useLocalServerStatus';

/** The package's real endpoint generator, against the token endpoint Storybook's dev server mounts. */
const generator = createEndpointGenerator('/api/livekit-token');

interface JoinChoice {
  roomName: string;
  participantName: string;
  agentName: string | undefined;
}

/**
 * A complete small app against the local LiveKit server: pick a room, a name and an agent, join
 * with your camera, see the agent and watch the token. Tokens come from `createTokenHandler`
 * (dev keys) through `createEndpointGenerator` — the path a real app takes.
 */
export function Playground() {
  const [status, recheck] = useLocalServerStatus();
  const [choice, setChoice] = React.useState<JoinChoice | null>(null);
  if (status.kind !== 'ready') return <StartTheServer status={status} onRetry={recheck} />;
  if (!choice) return <JoinForm agentName={status.agentName} onJoin={setChoice} />;
  return (
    <CustomTokenSessionProvider
      generator={generator}
      roomName={choice.roomName}
      participantName={choice.participantName}
      agentName={choice.agentName}
      freshRoomPerSession={choice.agentName !== undefined}
      camera
      connect
    >
      <CallScreen
        title={choice.agentName ? `${choice.roomName} · with ${choice.agentName}` : choice.roomName}
        withAgent={choice.agentName !== undefined}
        actions={
          <button type="button" className="story-button story-button-quiet" onClick={() => setChoice(null)}>
            Change room
          </button>
        }
      />
    </CustomTokenSessionProvider>
  );
}

function JoinForm({ agentName, onJoin }: { agentName: string; onJoin: (choice: JoinChoice) => void }) {
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    const agent = field('agent');
    onJoin({ roomName: field('room'), participantName: field('name'), agentName: agent === '' ? undefined : agent });
  };
  return (
    <form className="story-join" onSubmit={onSubmit}>
      <h2>Join a room on the local LiveKit server</h2>
      <label>
        Room
        <input name="room" defaultValue="playground" required maxLength={256} />
      </label>
      <label>
        Your name
        <input name="name" defaultValue="Ada" required maxLength={256} />
      </label>
      <label>
        Agent
        <select name="agent" defaultValue={agentName}>
          <option value="">No agent — a video room</option>
          <option value={agentName}>{agentName} (the test agent worker; a fresh room per session)</option>
        </select>
      </label>
      <button type="submit" className="story-button">
        Join with camera
      </button>
      <p className="story-hint">Open this story in a second tab to see two people in the same room.</p>
    </form>
  );
}
