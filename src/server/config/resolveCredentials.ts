import { credentialProblem } from './credentialProblem.js';
import { credentialPairProblem } from './credentialPairProblem.js';
import { messageOf } from '../../core/messageOf.js';
import type { ResolvedTokenHandlerConfig } from './resolveTokenHandlerConfig.js';
import type { TokenHandlerEnv } from '../types.js';

/**
 * The credentials one request is served with.
 *
 * @example
 * ```ts
 * const { apiKey, apiSecret, serverUrl }: Credentials = resolveCredentials(config, env);
 * ```
 */
export interface Credentials {
  apiKey: string;
  apiSecret: string;
  serverUrl: string;
}

const VARIABLES = { apiKey: 'LIVEKIT_API_KEY', apiSecret: 'LIVEKIT_API_SECRET', serverUrl: 'LIVEKIT_URL' } as const;
const OPTIONS = { apiKey: '`apiKey`', apiSecret: '`apiSecret`' } as const;

/**
 * The credentials for one request: each option as passed to `createTokenHandler`, else the
 * request's env bindings (a Worker's `env`), else the process environment. Read per request
 * and never at import, so a build without secrets succeeds and a Worker's bindings work.
 *
 * @throws {Error} naming the missing, unreadable or malformed variable, or a key and secret that
 * would put the secret in every token's `iss` claim (see `credentialPairProblem`): the handler
 * answers 500 `internal_error` and reports it to `onError`. Never repeating a secret.
 * @example
 * ```ts
 * export default { fetch: (request: Request, env: TokenHandlerEnv) => handle(request, resolveCredentials(config, env)) };
 * ```
 */
export function resolveCredentials(config: ResolvedTokenHandlerConfig, env?: unknown): Credentials {
  // Bindings are an object; any other second argument of the handler has none.
  const bindings = typeof env === 'object' && env !== null ? (env as TokenHandlerEnv) : undefined;
  const apiKey = config.apiKey ?? fromEnvironment('apiKey', bindings);
  const apiSecret = config.apiSecret ?? fromEnvironment('apiSecret', bindings);
  // Every token carries its key in the clear: a pair that puts the secret there would hand it to each caller.
  const problem = credentialPairProblem(apiKey, apiSecret, [named(config, 'apiKey'), named(config, 'apiSecret')]);
  if (problem) throw new Error(`createTokenHandler: ${problem}`);
  config.checkSecretLength(apiKey, apiSecret, named(config, 'apiSecret'));
  return { apiKey, apiSecret, serverUrl: config.serverUrl ?? fromEnvironment('serverUrl', bindings) };
}

/** A credential as the app set it: the option passed to `createTokenHandler`, or its variable. */
function named(config: ResolvedTokenHandlerConfig, option: 'apiKey' | 'apiSecret'): string {
  return config[option] === undefined ? VARIABLES[option] : OPTIONS[option];
}

/**
 * The env bindings as {@link resolveCredentials} reads them: a Cloudflare Secrets Store binding among
 * the LiveKit ones (an object whose `get()` resolves to the secret, where a Worker's plain secrets
 * and vars are strings) read into its string, in a promise; anything else passed on as it is, at
 * once — awaiting a value that needs no reading would cost every request a turn of the event loop.
 *
 * @example
 * ```ts
 * const credentials = resolveCredentials(config, await readSecretsStore(env));
 * ```
 */
export function readSecretsStore(env: unknown): unknown {
  if (typeof env !== 'object' || env === null) return env;
  const bindings = env as Record<string, unknown>;
  const names = Object.values(VARIABLES);
  if (!names.some((name) => isSecretsStoreBinding(bindings[name]))) return env;
  return Promise.all(names.map((name) => (isSecretsStoreBinding(bindings[name]) ? bindings[name].get() : bindings[name]))).then((values) =>
    Object.fromEntries(names.map((name, index) => [name, values[index]])),
  );
}

function isSecretsStoreBinding(binding: unknown): binding is { get(): Promise<unknown> } {
  return typeof binding === 'object' && binding !== null && typeof (binding as { get?: unknown }).get === 'function';
}

function fromEnvironment(option: keyof typeof VARIABLES, env: TokenHandlerEnv | undefined): string {
  const variable = VARIABLES[option];
  const bound = env?.[variable];
  // An empty binding is unset, as an empty variable is (processEnvironment).
  const value = typeof bound === 'string' && bound !== '' ? bound : processEnvironment(variable, option);
  if (value === undefined) {
    throw new Error(
      `createTokenHandler: no LiveKit ${option} — pass \`${option}\` or set the ${variable} environment variable (or env binding).`,
    );
  }
  const problem = credentialProblem(option, value);
  if (problem) throw new Error(`createTokenHandler: ${variable} is malformed — ${problem.replace(`\`${option}\``, 'it')}`);
  return value;
}

/**
 * `process.env[name]` where there is one (Node, Bun, Deno with --allow-env, Vercel Edge); `undefined` elsewhere.
 *
 * @throws {Error} when the runtime refuses the read (Deno without `--allow-env` for it), saying so:
 * the variable may well be set, and "set it" would send the reader the wrong way.
 */
function processEnvironment(name: string, option: keyof typeof VARIABLES): string | undefined {
  let value: string | undefined;
  try {
    value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  } catch (cause) {
    // Deno's refusal names the variable and the flag, never a value.
    throw new Error(
      `createTokenHandler: ${name} could not be read from the environment (${messageOf(cause)}). On Deno, allow it: --allow-env=${name}; or pass \`${option}\`.`,
      { cause },
    );
  }
  return value === '' ? undefined : value;
}
