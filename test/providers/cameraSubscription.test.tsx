import { ParticipantKind } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import { useAgentStatus } from '../../src/hooks/useAgentStatus';
import { useCameraTracks } from '../../src/hooks/useCameraTracks';
import { joinRemote, publishCamera, subscribeCamera } from '../helpers/room';
import { renderLiveSession } from './render';

/** What a consumer rendered last: each remote camera reference's identity and whether it is subscribed. */
function cameraProbe() {
  const seen = {
    all: [] as { identity: string; subscribed: boolean }[],
    subscribedOnly: [] as string[],
    agentCamera: undefined as { identity: string; subscribed: boolean } | undefined,
  };
  function Probe() {
    const all = useCameraTracks();
    const subscribedOnly = useCameraTracks({ onlySubscribed: true, placeholders: false });
    const { cameraTrack } = useAgentStatus();
    const remote = ({ participant }: { participant: { isLocal: boolean } }) => !participant.isLocal;
    seen.all = all
      .filter(remote)
      .map(({ participant, publication }) => ({ identity: participant.identity, subscribed: publication?.isSubscribed ?? false }));
    seen.subscribedOnly = subscribedOnly.filter(remote).map(({ participant }) => participant.identity);
    seen.agentCamera = cameraTrack && {
      identity: cameraTrack.participant.identity,
      subscribed: cameraTrack.publication?.isSubscribed ?? false,
    };
    return null;
  }
  return { Probe, seen };
}

describe('a remote camera in context', () => {
  it('shows as subscribed in useCameraTracks once its track is subscribed, with nothing else happening', async () => {
    const { Probe, seen } = cameraProbe();
    const room = await renderLiveSession(<Probe />);
    const publication = publishCamera(room, joinRemote(room, 'bob'), { autoSubscribe: true });
    expect(seen.all).toEqual([{ identity: 'bob', subscribed: false }]);
    expect(seen.subscribedOnly).toEqual([]);

    subscribeCamera(room, room.remoteParticipants.get('bob')!, publication);

    expect(seen.all).toEqual([{ identity: 'bob', subscribed: true }]);
    expect(seen.subscribedOnly).toEqual(['bob']);
  });

  it("shows the agent's camera as subscribed in useAgentStatus once its track is subscribed", async () => {
    const { Probe, seen } = cameraProbe();
    const room = await renderLiveSession(<Probe />);
    const agent = joinRemote(room, 'agent-1', { kind: ParticipantKind.AGENT, attributes: { 'lk.agent.state': 'listening' } });
    const publication = publishCamera(room, agent, { autoSubscribe: true });
    expect(seen.agentCamera).toEqual({ identity: 'agent-1', subscribed: false });

    subscribeCamera(room, room.remoteParticipants.get('agent-1')!, publication);

    expect(seen.agentCamera).toEqual({ identity: 'agent-1', subscribed: true });
    expect(seen.all).toEqual([{ identity: 'agent-1', subscribed: true }]);
  });
});
