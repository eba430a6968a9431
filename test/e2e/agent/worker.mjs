/**
 * The real agent of the end-to-end tests: an `@livekit/agents` worker, explicit dispatch only,
 * under the name `e2e-agent`. Each job joins the room, says `initializing`, publishes a synthetic
 * camera (a moving colour bar) and then says `listening`.
 *
 *   LIVEKIT_URL=ws://127.0.0.1:7880 LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=secret node test/e2e/agent/worker.mjs dev
 */
import { cli, defineAgent, ServerOptions } from '@livekit/agents';
import { LocalVideoTrack, RoomEvent, TrackPublishOptions, TrackSource, VideoBufferType, VideoFrame, VideoSource } from '@livekit/rtc-node';
import { fileURLToPath } from 'node:url';

const AGENT_NAME = 'e2e-agent';
const WIDTH = 320;
const HEIGHT = 240;
const FRAME_INTERVAL_MS = 100;

/** A few frames of a bar sweeping across, made once: the job's loop only sends them. */
function makeFrames(count) {
  return Array.from({ length: count }, (_, index) => {
    const data = new Uint8Array(WIDTH * HEIGHT * 4);
    const bar = Math.floor((index * WIDTH) / count);
    for (let i = 0; i < WIDTH * HEIGHT; i++) {
      const x = i % WIDTH;
      data.set(x >= bar && x < bar + WIDTH / count ? [255, 200, 0, 255] : [20, 40, 90, 255], i * 4);
    }
    return new VideoFrame(data, WIDTH, HEIGHT, VideoBufferType.RGBA);
  });
}

export default defineAgent({
  entry: async (ctx) => {
    await ctx.connect();
    // A test asks the agent to hang up, as agents do, through the room's metadata: `e2e: leave`
    // ends the job (the agent leaves the room), `e2e: delete room` deletes the room.
    ctx.room.on(RoomEvent.RoomMetadataChanged, (metadata) => {
      if (metadata === 'e2e: leave') ctx.shutdown('e2e: the agent hangs up');
      else if (metadata === 'e2e: delete room') void ctx.deleteRoom();
    });
    const participant = ctx.room.localParticipant;
    let state = 'initializing';
    const say = (next) => participant.setAttributes({ 'lk.agent.state': (state = next) });
    // A full reconnect (the server crashed and came back) republishes the agent's tracks but not its
    // attributes, which the new server process never heard: say the state again, or the agent that
    // came back reads `initializing` for good, unless the room happens to get a new agent dispatched.
    ctx.room.on(RoomEvent.Reconnected, () => void say(state).catch(() => {}));
    await say('initializing');

    const source = new VideoSource(WIDTH, HEIGHT);
    const frames = makeFrames(8);
    let tick = 0;
    const timer = setInterval(() => source.captureFrame(frames[tick++ % frames.length]), FRAME_INTERVAL_MS);
    ctx.addShutdownCallback(async () => {
      clearInterval(timer);
      await source.close();
    });
    const track = LocalVideoTrack.createVideoTrack('agent-camera', source);
    await participant.publishTrack(track, new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA }));

    await say('listening');
  },
});

cli.runApp(
  new ServerOptions({
    agent: fileURLToPath(import.meta.url),
    agentName: AGENT_NAME,
    host: '127.0.0.1',
    // The default load is the machine's CPU use: on a busy CI machine the server would see the
    // worker as full and dispatch nothing. This agent's jobs are tiny.
    loadFunc: async () => 0,
    // One job process loaded ahead, so a dispatch does not wait for a Node process to boot.
    numIdleProcesses: 1,
    initializeProcessTimeout: 30_000,
  }),
);
