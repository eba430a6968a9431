/** Types of `redis-server.mjs` for the TypeScript tests. */
export interface RunningRedisServer {
  readonly port: number;
  /** A cluster node's cluster bus port (`cluster: true`). */
  readonly busPort: number | undefined;
  /** Kills the server (SIGKILL: no goodbye to clients, as in a crash). */
  crash(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing answers. */
  freeze(): void;
  thaw(): void;
}

export declare function hasRedisServer(): boolean;
export declare function startRedisServer(options?: { cluster?: boolean }): Promise<RunningRedisServer>;
