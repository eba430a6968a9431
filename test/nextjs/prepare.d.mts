/** Types of `prepare.mjs` for the TypeScript harness. */
export declare const exampleDir: string;
export declare function prepareExample(options?: { build?: boolean }): void;
/** Puts a copy of `cached` (the cache's copy of the example's `node_modules`) at `modules`; `false` when there is no complete copy. */
export declare function restoreFromCache(cached: string, modules: string): boolean;
/** Copies `modules` into the cache as `cached`, taking that name only once the copy is complete. */
export declare function saveToCache(modules: string, cached: string): void;
