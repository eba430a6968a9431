/** What the app shows the tests: `window.__e2e.state`, also printed in `#e2e-state`. */
export interface E2EState {
  connectionState: string;
  /** Every connection state seen since the page loaded, in order. */
  connectionStates: string[];
  isConnected: boolean;
  /** `useSessionState()`: a `start()` (or `connect`) in flight, an `end()` in flight. */
  isStarting: boolean;
  isEnding: boolean;
  token: { status: string; identity?: string; room?: string; errorCode?: string };
  /** Camera tracks in `useCameraTracks` that carry a track (placeholders left out). */
  cameras: { identity: string; isLocal: boolean; isAgent: boolean }[];
  /** Every camera reference in `useCameraTracks`, placeholders included. */
  cameraRefs: { identity: string; published: boolean; subscribed: boolean }[];
  agent: { state: string; identity?: string; failureReasons: string[] };
  /** Every agent state seen since the page loaded, in order (a state shown for one render included). */
  agentStates: string[];
  /** `useSessionState().error`. */
  error: { code: string; reason?: string; failureReasons: string[]; message: string } | null;
}

/** One generator call: what was asked and the token it returned (if any). */
export interface GeneratorCall {
  roomName?: string;
  agentName?: string;
  token?: string;
  /** The page's `Date.now()` when the generator was called and when its token arrived (a test may install a page clock). */
  calledAt: number;
  receivedAt?: number;
}

export interface E2EWindow {
  __e2e?: { state: E2EState; generatorCalls: GeneratorCall[] };
  /** The `livekit-client` version bundled into the app (the newest, or the oldest with `E2E_PEERS=oldest`). */
  __livekitClientVersion?: string;
  /** With `grid=1`: the session's `Room`. */
  __room?: import('livekit-client').Room;
}

export function publishState(state: E2EState, generatorCalls: GeneratorCall[]): void {
  (window as E2EWindow).__e2e = { state, generatorCalls: [...generatorCalls] };
}
