import { credentialProblem } from './credentialProblem.js';
import { credentialPairProblem } from './credentialPairProblem.js';
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
 * @throws {Error} naming the missing or malformed variable, or a key and secret that would put the
 * secret in every token's `iss` claim (see `credentialPairProblem`): the handler answers 500
 * `internal_error` and reports it to `onError`. Never repeating a secret.
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
  return { apiKey, apiSecret, serverUrl: config.serverUrl ?? fromEnvironment('serverUrl', bindings) };
}

/** A credential as the app set it: the option passed to `createTokenHandler`, or its variable. */
function named(config: ResolvedTokenHandlerConfig, option: 'apiKey' | 'apiSecret'): string {
  return config[option] === undefined ? VARIABLES[option] : OPTIONS[option];
}

function fromEnvironment(option: keyof typeof VARIABLES, env: TokenHandlerEnv | undefined): string {
  const variable = VARIABLES[option];
  const bound = env?.[variable];
  // An empty binding is unset, as an empty variable is (processEnvironment).
  const value = typeof bound === 'string' && bound !== '' ? bound : processEnvironment(variable);
  if (value === undefined) {
    throw new Error(
      `createTokenHandler: no LiveKit ${option} — pass \`${option}\` or set the ${variable} environment variable (or env binding).`,
    );
  }
  const problem = credentialProblem(option, value);
  if (problem) throw new Error(`createTokenHandler: ${variable} is malformed — ${problem.replace(`\`${option}\``, 'it')}`);
  return value;
}

/** `process.env[name]` where there is one (Node, Bun, Deno with --allow-env, Vercel Edge); `undefined` elsewhere. */
function processEnvironment(name: string): string | undefined {
  let value: string | undefined;
  try {
    // Stryker disable next-line OptionalChaining: without them, reading a missing process or env throws, and the catch gives no value too
    value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  } catch {
    // Deno without --allow-env throws on read: no value.
  }
  return value === '' ? undefined : value;
}
