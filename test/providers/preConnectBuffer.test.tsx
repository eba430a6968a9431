import { act, cleanup, screen } from '@testing-library/react';
import { LocalAudioTrack, Track, type TrackPublishOptions } from 'livekit-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentStatusIndicator } from '../../src/components/AgentStatusIndicator';
import { useAgentStatus } from '../../src/hooks/useAgentStatus';
import { spokenText } from '../helpers/a11y';
import { fakeMediaDevices } from '../helpers/media';
import { scriptedWorld } from '../helpers/scriptedWorld';
import { clickStart, renderSession } from './render';

/**
 * What the agent status says between the microphone being published and the agent joining: "the
 * agent is joining, and what you say reaches it" only while a pre-connect buffer records. The
 * buffer records with the browser's `MediaRecorder`, absent in jsdom: a track records here once
 * livekit-client's `startPreConnectBuffer` was called on it.
 */
describe('the agent status while the microphone waits for the agent', () => {
  let media: ReturnType<typeof fakeMediaDevices>;
  beforeEach(() => {
    vi.useFakeTimers();
    media = fakeMediaDevices();
    const recording = new WeakSet<LocalAudioTrack>();
    vi.spyOn(LocalAudioTrack.prototype, 'startPreConnectBuffer').mockImplementation(function (this: LocalAudioTrack) {
      recording.add(this);
    });
    vi.spyOn(LocalAudioTrack.prototype, 'hasPreConnectBuffer', 'get').mockImplementation(function (this: LocalAudioTrack) {
      return recording.has(this);
    });
    vi.spyOn(LocalAudioTrack.prototype, 'stopPreConnectBuffer').mockImplementation(function (this: LocalAudioTrack) {
      recording.delete(this);
    });
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  /** Starts a call with an agent and `microphone`, grants the microphone; returns what the indicator and `useAgentStatus` say before the agent joins, after `meanwhile`. */
  async function beforeTheAgentJoins(
    microphone: boolean | TrackPublishOptions | undefined,
    meanwhile?: (microphone: LocalAudioTrack) => void,
  ) {
    const w = scriptedWorld();
    w.cooperate();
    const agent: { canListen?: boolean } = {};
    function Probe() {
      agent.canListen = useAgentStatus().canListen;
      return null;
    }
    const { session } = renderSession(
      { generator: w.generator, room: w.room, roomName: 'support', agentName: 'helper', microphone },
      {
        children: (
          <>
            <AgentStatusIndicator />
            <Probe />
          </>
        ),
      },
    );
    clickStart(session);
    await act(() => vi.advanceTimersByTimeAsync(50));
    act(() => media.grant());
    await act(() => vi.advanceTimersByTimeAsync(50));
    const published = w.room.localParticipant.getTrackPublication(Track.Source.Microphone);
    expect(published?.track).toBeInstanceOf(LocalAudioTrack);
    if (meanwhile) {
      meanwhile(published?.track as LocalAudioTrack);
      await act(() => vi.advanceTimersByTimeAsync(1_000));
    }
    const said = { label: spokenText(screen.getByRole('status')), canListen: agent.canListen };
    // Left before the stand-in devices go.
    act(() => void session().end());
    await act(() => vi.advanceTimersByTimeAsync(50));
    return said;
  }

  it('says the agent is joining and listens, with the default microphone (its pre-connect buffer records)', async () => {
    expect(await beforeTheAgentJoins(undefined)).toEqual({ label: 'Listening — the agent is joining…', canListen: true });
  });

  it.each([
    ['publish options without the buffer', { dtx: false }],
    ['the buffer turned off', { preConnectBuffer: false }],
  ])('says it waits for the agent, and does not listen, with a microphone given %s (nothing records)', async (_label, microphone) => {
    expect(await beforeTheAgentJoins(microphone)).toEqual({ label: 'Waiting for the agent…', canListen: false });
  });

  it('says it waits for the agent once the buffer stopped before the agent came (livekit-client stops it 10 s after publishing, and says nothing)', async () => {
    const stopped = await beforeTheAgentJoins(undefined, (microphone) => microphone.stopPreConnectBuffer());
    expect(stopped).toEqual({ label: 'Waiting for the agent…', canListen: false });
  });
});
