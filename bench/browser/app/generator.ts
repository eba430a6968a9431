/**
 * What the page reports to the benchmark: generator calls, `start()` → connected in ms, and the
 * part of it before `Room.connect` is called (what the React layer adds; the rest is the server).
 */
export interface BenchWindow {
  __bench: { generatorCalls: number; startedAt?: number; roomConnectMs?: number; connectMs?: number };
}

export const benchState: BenchWindow['__bench'] = { generatorCalls: 0 };
(window as unknown as BenchWindow).__bench = benchState;

const query = new URLSearchParams(window.location.search);
/** The benchmark's LiveKit server (the endpoint beside the page names the e2e suite's). */
const serverUrl = query.get('livekit') ?? '';
/** The tokens' lifetime in seconds, when the run sets one (`?ttl=`). */
const ttl = query.get('ttl');

/** The app's generator: 300 ms of its own work (auth, a slow backend), then the token endpoint beside the page. */
export async function slowGenerator(request: { roomName?: string }): Promise<{ serverUrl: string; participantToken: string }> {
  benchState.generatorCalls += 1;
  await new Promise((resolve) => setTimeout(resolve, 300));
  const response = await fetch(ttl ? `/api/token?ttl=${ttl}` : '/api/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ room_name: request.roomName }),
  });
  const body = (await response.json()) as { server_url: string; participant_token: string };
  return { serverUrl: serverUrl || body.server_url, participantToken: body.participant_token };
}
