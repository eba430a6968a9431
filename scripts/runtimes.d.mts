/** Where each runtime is, once installed (`node scripts/runtimes.mjs install`). */
export declare const runtimes: { node24: string; bun: string; deno: string; miniflare: string; edgeRuntime: string };
/** The runtimes not installed here, by name. */
export declare function missingRuntimes(): string[];
