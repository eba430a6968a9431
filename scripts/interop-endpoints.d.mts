/** Types of `interop-endpoints.mjs` for the TypeScript test harness. */
export interface RunningInteropEndpoint {
  /** `http://127.0.0.1:PORT` */
  url: string;
  stop(): Promise<void>;
}

export declare function goEndpointBinary(): string;
export declare function pythonVenv(): string;
export declare function missingInteropToolchain(): string | null;
export declare function buildInteropEndpoints(options?: { log?: (message: string) => void }): void;
export declare function startInteropEndpoint(
  language: 'go' | 'python',
  options: { livekitUrl: string; apiKey: string; apiSecret: string; allowedOrigin: string; logFile: string; timeoutMs?: number },
): Promise<RunningInteropEndpoint>;
