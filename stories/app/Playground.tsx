import * as React from 'react';
import { useTokenStatus } from '../../src/index';
import { CallPage } from '../snippets/CallPage';
import { StartTheServer } from './StartTheServer';
import { useLocalServerStatus, type LocalServerStatus } from './useLocalServerStatus';

interface JoinChoice {
  roomName: string;
  participantName: string;
  agentName: string | undefined;
}

/** The room of an invite link (`?room=…`), which the second tab joins as it is. */
const invitedRoom = () => new URLSearchParams(window.location.search).get('room');

/**
 * A complete small app against the local LiveKit server: pick a room, a name and an agent, join
 * with your camera, see the agent and watch the token. It runs the Examples' `CallPage` as it is:
 * tokens come from `createTokenHandler` (dev keys) at `/api/livekit-token` — the path a real app
 * takes. An agent gets a fresh room per session; the invite link brings a second tab into it.
 */
export function Playground() {
  const { status, recheck, rechecked } = useLocalServerStatus();
  const [choice, setChoice] = React.useState<JoinChoice | null>(null);
  const view = status.kind !== 'ready' ? status.kind : choice ? 'call' : 'join';
  const main = useFocusKeptAcross(view);
  return (
    <main ref={main} tabIndex={-1} className="story-page">
      {/* What "Check again" found, for a screen reader too: emptied while it asks, so that the same
          answer is announced again; here, not in the notice, so that "running" outlives the notice. */}
      <p role="status" className="story-outcome">
        {rechecked && !choice ? RECHECKED[status.kind] : ''}
      </p>
      {status.kind !== 'ready' ? (
        <StartTheServer status={status} onRetry={recheck} />
      ) : !choice ? (
        <JoinForm agentName={status.agentName} invitedTo={invitedRoom()} onJoin={setChoice} />
      ) : (
        <CallPage roomName={choice.roomName} participantName={choice.participantName} agentName={choice.agentName} connect>
          <InviteLink />
          <button type="button" className="story-button story-button-quiet" onClick={() => setChoice(null)}>
            Change room
          </button>
        </CallPage>
      )}
    </main>
  );
}

/** The outcome of "Check again", by what the server beside Storybook answered. */
const RECHECKED: Record<LocalServerStatus['kind'], string> = {
  checking: '',
  'static-build': 'Checked again: no dev server answers.',
  'livekit-down': 'Checked again: the local LiveKit server is still not running.',
  ready: 'Checked again: the local LiveKit server is running.',
};

/**
 * When one view gives way to the next (the join form to the call), the control that had the
 * keyboard focus is gone and the focus would drop to `<body>`: it moves to the page's main
 * region instead, where the next Tab reaches the new view. Focus elsewhere is left alone.
 */
function useFocusKeptAcross(view: string): React.RefObject<HTMLElement | null> {
  const main = React.useRef<HTMLElement>(null);
  const shown = React.useRef(view);
  React.useEffect(() => {
    if (shown.current === view) return;
    shown.current = view;
    const active = document.activeElement;
    if (active === null || active === document.body) main.current?.focus();
  }, [view]);
  return main;
}

/** A link to this story that joins the session's room as it is — the agent's fresh room included. */
function InviteLink() {
  const { room } = useTokenStatus();
  if (!room) return null;
  const url = new URL(window.location.href);
  url.searchParams.set('room', room);
  return (
    <a className="story-invite" href={url.href} target="_blank" rel="noreferrer">
      Invite a second person (new tab)
    </a>
  );
}

interface JoinFormProps {
  agentName: string;
  invitedTo: string | null;
  onJoin: (choice: JoinChoice) => void;
}

function JoinForm({ agentName, invitedTo, onJoin }: JoinFormProps) {
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // Text inputs only: each entry is a string (`null` where the field is missing).
    const text = (name: string) => form.get(name) as string | null;
    const agent = text('agent') ?? '';
    onJoin({ roomName: String(text('room')), participantName: String(text('name')), agentName: agent === '' ? undefined : agent });
  };
  return (
    <div className="story-join-page">
      <form className="story-join" onSubmit={onSubmit} aria-labelledby="join-title">
        <h1 id="join-title">{invitedTo ? `Join ${invitedTo}` : 'Join a room on the local LiveKit server'}</h1>
        <label>
          Room
          <input name="room" defaultValue={invitedTo ?? 'playground'} readOnly={invitedTo !== null} required maxLength={256} />
        </label>
        <label>
          Your name
          <input name="name" defaultValue={invitedTo ? 'Grace' : 'Ada'} required maxLength={256} />
        </label>
        {invitedTo === null && (
          <label>
            Agent
            <select name="agent" defaultValue={agentName}>
              <option value="">No agent — a video room</option>
              <option value={agentName}>{agentName} (the test agent worker; a fresh room per session)</option>
            </select>
          </label>
        )}
        <button type="submit" className="story-button">
          Join with camera
        </button>
        <p className="story-hint">
          {invitedTo
            ? 'You join the room as it is: whoever is in it — the agent too — is already there.'
            : 'Two people in one room: join, then open "Invite a second person" in a second tab. (Without an agent, a second tab joining the same room name works too.)'}
        </p>
      </form>
    </div>
  );
}
