/** What a test asks of the app, read from the page's query string. */
export interface AppParams {
  /** Asked for by the generator; absent = the endpoint picks a fresh room. */
  roomName?: string;
  participantIdentity?: string;
  participantName?: string;
  agentName?: string;
  /** Query string passed on to the token endpoint: `secret=wrong`, `ttl=5`, `serverUrl=ws://127.0.0.1:<port>`. */
  endpointQuery: string;
  /** `throws`: a generator that always throws (after `tokenDelayMs`). */
  generator: 'endpoint' | 'throws';
  /** `endpoint=<url>`: the provider's own `tokenEndpoint` calls this standard endpoint instead of the app's generator. */
  tokenEndpoint?: string;
  agentConnectTimeoutMs?: number;
  /** `freshRoom=1`: every session gets its own room (`freshRoomPerSession`). */
  freshRoomPerSession: boolean;
  /** `restartOnAgentLeave=1`: the app calls `restart()` from its own listener, in the task the agent's departure is heard. */
  restartOnAgentLeave: boolean;
  /** `hooks=1`: the hooks path — the page keeps a `useCustomTokenSource` source, its call component runs `useCustomTokenSession` on it. */
  hooks: boolean;
  /**
   * `hooksTracks=default|camera`: on the hooks path, the tracks `start()` asks for — LiveKit's default
   * (its microphone, with the pre-connect buffer) or the camera; unset, none.
   */
  hooksTracks?: 'default' | 'camera';
  /** `tokenDelayMs=N`: the generator waits this long before asking the endpoint. */
  tokenDelayMs: number;
  /** `grid=1`: the page shows the package's `<CameraGrid>`, with camera off/on controls. */
  grid: boolean;
  /** `adaptiveStream=1`: the provider's `Room` is made with `adaptiveStream: true`. */
  adaptiveStream: boolean;
}

export function readParams(search: string): AppParams {
  const query = new URLSearchParams(search);
  const optional = (name: string) => query.get(name) ?? undefined;
  const endpointQuery = new URLSearchParams();
  for (const name of ['secret', 'ttl', 'serverUrl']) {
    const value = query.get(name);
    if (value !== null) endpointQuery.set(name, value);
  }
  const timeout = query.get('agentTimeoutMs');
  return {
    roomName: optional('room'),
    participantIdentity: optional('identity'),
    participantName: optional('name'),
    agentName: optional('agent'),
    endpointQuery: endpointQuery.toString(),
    generator: query.get('generator') === 'throws' ? 'throws' : 'endpoint',
    tokenEndpoint: optional('endpoint'),
    agentConnectTimeoutMs: timeout === null ? undefined : Number(timeout),
    freshRoomPerSession: query.get('freshRoom') === '1',
    restartOnAgentLeave: query.get('restartOnAgentLeave') === '1',
    hooks: query.get('hooks') === '1',
    hooksTracks: (['default', 'camera'] as const).find((tracks) => tracks === query.get('hooksTracks')),
    tokenDelayMs: Number(query.get('tokenDelayMs') ?? 0),
    grid: query.get('grid') === '1',
    adaptiveStream: query.get('adaptiveStream') === '1',
  };
}
