/** Types of `prepare.mjs` for the TypeScript harness. */
export declare const exampleDir: string;
export declare function prepareExample(options?: { build?: boolean }): void;
