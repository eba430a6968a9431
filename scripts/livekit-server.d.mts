import type { ChildProcess } from 'node:child_process';

/** Types of `livekit-server.mjs` for the TypeScript end-to-end harness. */
export declare const LIVEKIT_SERVER_VERSION: string;
export declare const LIVEKIT_HTTP_URL: string;
export declare const LIVEKIT_WS_URL: string;
export declare const LIVEKIT_API_KEY: string;
export declare const LIVEKIT_API_SECRET: string;

/** Where one node listens, and the Redis a cluster's nodes share. Defaults: 7880, 7882, no Redis. */
export interface ServerNode {
  port?: number;
  rtcUdpPort?: number;
  /** `127.0.0.1:PORT` of the Redis every node of the cluster shares (LiveKit's multi-node mode). */
  redisAddress?: string;
}

export interface RunningLiveKitServer {
  process: ChildProcess;
  logFile: string;
  /** `http://127.0.0.1:PORT` */
  httpUrl: string;
  /** `ws://127.0.0.1:PORT`, the URL clients connect to. */
  wsUrl: string;
  /** SIGTERM twice, then SIGKILL if still running. */
  stop(): Promise<void>;
}

export declare function cacheDir(): string;
export declare function serverBinary(): string;
export declare function hasServerBinary(): boolean;
/** `null` when the server binary is there, else what is missing and how to get it. */
export declare function missingServerBinary(): string | null;
export declare function goCommand(): string | null;
export declare function buildServer(options?: { log?: (message: string) => void }): string;
export declare function nodeUrls(port?: number): { httpUrl: string; wsUrl: string };
export declare function startServer(options?: { logFile?: string; timeoutMs?: number; node?: ServerNode }): Promise<RunningLiveKitServer>;
