/** Types of `doc-includes.mjs` for the TypeScript tests. */
export declare function staleIncludes(): { doc: string; paths: string[] }[];
export declare function writeIncludes(): string[];
