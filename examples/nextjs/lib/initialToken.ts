import 'server-only';
import type { CustomTokenSessionProviderProps } from 'livekit-custom-token-react';
import { headers } from 'next/headers';
import { SESSION_OPTIONS, TOKEN_ROUTE } from './session';
import { tokenHandler } from './tokenHandler';

type InitialToken = NonNullable<CustomTokenSessionProviderProps['initialToken']>;

/**
 * Mints the page's first token during render by asking the token route's own handler in-process,
 * with the visitor's cookies — so it applies exactly the route's rules, and the browser's first
 * connect needs no token request. `undefined` when the route refuses (not signed in): the
 * provider then asks the route itself and shows its typed error.
 */
export async function mintInitialToken(): Promise<InitialToken | undefined> {
  const cookie = (await headers()).get('cookie') ?? '';
  // A Request object handed straight to the handler: nothing goes over the network.
  const request = new Request(new URL(TOKEN_ROUTE, 'http://127.0.0.1'), {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ room_config: { agents: [{ agent_name: SESSION_OPTIONS.agentName }] } }),
  });
  const response = await tokenHandler(request);
  if (!response.ok) return undefined;
  const { server_url: serverUrl, participant_token: participantToken } = (await response.json()) as Record<string, string>;
  return { options: SESSION_OPTIONS, response: { serverUrl, participantToken } };
}
