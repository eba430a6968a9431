import type { ChildProcess } from 'node:child_process';

/** Types of `livekit-server.mjs` for the TypeScript end-to-end harness. */
export declare const LIVEKIT_SERVER_VERSION: string;
export declare const LIVEKIT_HTTP_URL: string;
export declare const LIVEKIT_WS_URL: string;
export declare const LIVEKIT_API_KEY: string;
export declare const LIVEKIT_API_SECRET: string;

export interface RunningLiveKitServer {
  process: ChildProcess;
  logFile: string;
  /** SIGTERM twice, then SIGKILL if still running. */
  stop(): Promise<void>;
}

export declare function cacheDir(): string;
export declare function serverBinary(): string;
export declare function hasServerBinary(): boolean;
export declare function buildServer(options?: { log?: (message: string) => void }): string;
export declare function startServer(options?: { logFile?: string; timeoutMs?: number }): Promise<RunningLiveKitServer>;
