import type { TokenGenerator } from 'livekit-custom-token-react';
import type { AppParams } from './params';
import type { GeneratorCall } from './state';

/** Every generator call, for the tests to count and inspect. */
export const generatorLog: GeneratorCall[] = [];

/** The app's own generator: calls the token endpoint mounted beside the app. */
export function createGenerator(params: AppParams): TokenGenerator {
  return async (request, { signal }) => {
    const call: GeneratorCall = { roomName: request.roomName, agentName: request.agentName, calledAt: Date.now() };
    generatorLog.push(call);
    if (params.tokenDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, params.tokenDelayMs));
    if (params.generator === 'throws') throw new Error('e2e: the generator refuses');
    const response = await fetch(`/api/token${params.endpointQuery ? `?${params.endpointQuery}` : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        room_name: request.roomName,
        participant_identity: request.participantIdentity,
        participant_name: request.participantName,
        room_config: request.roomConfig,
      }),
      signal,
    });
    if (!response.ok) throw new Error(`token endpoint answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { server_url: string; participant_token: string };
    call.token = body.participant_token;
    call.receivedAt = Date.now();
    return { serverUrl: body.server_url, participantToken: body.participant_token };
  };
}
