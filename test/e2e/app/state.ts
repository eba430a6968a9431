/** What the app shows the tests: `window.__e2e.state`, also printed in `#e2e-state`. */
export interface E2EState {
  connectionState: string;
  isConnected: boolean;
  token: { status: string; identity?: string; room?: string; errorCode?: string; generatorCalls: number };
  cameras: { identity: string; isLocal: boolean; isAgent: boolean }[];
  agent: { state: string; identity?: string };
  error: { code?: string; reason?: string; message: string } | null;
}

export interface E2EWindow {
  __e2e?: { state: E2EState; generatorCalls: unknown[] };
}

export function publishState(state: E2EState, generatorCalls: unknown[]): void {
  (window as E2EWindow).__e2e = { state, generatorCalls };
}
