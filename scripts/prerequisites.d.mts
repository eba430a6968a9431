/** Types of `prerequisites.mjs` for the TypeScript tests and harness. */
export declare function onPath(name: string): string | null;
export declare function findChromium(): string | null;
export declare function missingChromium(): string | null;
export declare function findRedisServer(): string | null;
export declare function missingRedisServer(): string | null;
