import type { TokenHandlerConfig } from '../../src/server';
import { API_KEY, API_SECRET, SERVER_URL } from '../helpers/tokens';

/** A handler config with the test credentials; `authorize` reads `Authorization: Bearer <identity>`. */
export function handlerConfig(overrides: Partial<TokenHandlerConfig> = {}): TokenHandlerConfig {
  return {
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    serverUrl: SERVER_URL,
    authorize: (request) => {
      const identity = request.headers.get('authorization')?.match(/^Bearer (\S+)$/)?.[1];
      return identity ? { identity } : null;
    },
    ...overrides,
  };
}

/** A JSON POST as a browser would send it. */
export function tokenRequest(body: unknown, init: { headers?: Record<string, string>; method?: string } = {}): Request {
  return new Request('http://127.0.0.1/api/token', {
    method: init.method ?? 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice', ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
