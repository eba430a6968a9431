// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * `npm run lint`: typescript-eslint with type information over everything `tsconfig.json` holds
 * (src, test, stories, .storybook, bench, scripts, the configs), React's hooks rules with the
 * React Compiler checks (`eslint-plugin-react-hooks` recommended), and the plain JavaScript rules
 * for the `.mjs` scripts. Formatting is Prettier's job (`npm run format:check`), not ESLint's.
 */
export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.cache/**',
      '**/.next/**',
      'storybook-static/**',
      'coverage/**',
      'test-results/**',
      'etc/**',
      'examples/nextjs/next-env.d.ts',
      'examples/nextjs/vendor/**',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      // `_`-prefixed parameters and rest siblings are deliberate (an interface's unused argument, omitting a key).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `void promise` marks a promise whose failure is handled elsewhere (the token source reports every failure itself).
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      // An async function is a fine event handler in JSX; a void-returning callback elsewhere must not get a promise.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      // A token generator is async by contract: `async () => response` is the plain way to write one that has nothing to await.
      '@typescript-eslint/require-await': 'off',
      // An abort passes the signal's own `reason` on (typed `any` by the DOM library), as `fetch` does.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true }],
    },
  },
  {
    // Tests and benchmarks: `expect.any()`, `expect.objectContaining()`, `response.json()` and JWT claims are `any` by design, and
    // `expect.poll(app.state)` hands over a harness method that is an arrow function underneath. The code under test keeps these rules.
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.{ts,tsx,mts}'],
    ...reactHooks.configs.flat['recommended-latest'],
  },
  {
    // React Compiler and hooks rules are for components and hooks; examples have their own tsconfig and `next`, which the
    // root does not install, so they are linted without type information (the nextjs stage typechecks them with `next build`).
    files: ['examples/**/*.{ts,tsx}'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Node scripts in plain JavaScript (with JSDoc types): no type information for them in tsconfig.json.
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
  },
);
