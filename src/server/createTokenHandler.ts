import { corsHeaders } from './corsHeaders.js';
import { errorResponse } from './errorResponse.js';
import { mintToken } from './mintToken.js';
import { planToken } from './planToken.js';
import { readJsonBody } from './readJsonBody.js';
import { resolveTokenHandlerConfig, type ResolvedTokenHandlerConfig } from './resolveTokenHandlerConfig.js';
import { TokenHandlerError } from './TokenHandlerError.js';
import { tokenRequestSchema } from './tokenRequestSchema.js';
import type { TokenHandlerConfig } from './types.js';

/**
 * A LiveKit token endpoint as a Fetch-API handler: `POST` a standard token request
 * (`{ room_name, participant_name, room_config, … }`), get `201 { server_url, participant_token }`.
 * Identity comes from `authorize`; rooms and agents from the policies; bad input gets a JSON
 * error (`{ error: { code, message } }`) and never a token. Credentials default to
 * `LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET` and `LIVEKIT_URL`; a missing one throws here.
 *
 * @example
 * ```ts
 * // app/api/token/route.ts (Next.js)
 * import { createTokenHandler } from 'livekit-custom-token-react/server';
 *
 * export const POST = createTokenHandler({
 *   authorize: async (request) => {
 *     const user = await getUser(request);
 *     return user ? { identity: user.id, name: user.name } : null;
 *   },
 *   agents: ['support-agent'],
 * });
 * ```
 */
export function createTokenHandler(config: TokenHandlerConfig): (request: Request) => Promise<Response> {
  const resolved = resolveTokenHandlerConfig(config);
  const allow = resolved.cors ? 'POST, OPTIONS' : 'POST';
  return async (request) => {
    let cors: Record<string, string> = {};
    try {
      cors = corsHeaders(resolved.cors, request, request.method === 'OPTIONS');
      if (request.method === 'OPTIONS' && resolved.cors) return new Response(null, { status: 204, headers: cors });
      if (request.method !== 'POST') {
        return errorResponse(new TokenHandlerError('method_not_allowed', `Use POST (allowed: ${allow}).`), { ...cors, Allow: allow });
      }
      return await issueToken(request, resolved, cors);
    } catch (error) {
      if (!(error instanceof TokenHandlerError) || error.cause !== undefined) report(resolved, error, request);
      const refusal = error instanceof TokenHandlerError ? error : new TokenHandlerError('internal_error', 'The token could not be issued.');
      return errorResponse(refusal, cors);
    }
  };
}

async function issueToken(request: Request, config: ResolvedTokenHandlerConfig, cors: Record<string, string>): Promise<Response> {
  if (!isJson(request.headers.get('content-type'))) {
    throw new TokenHandlerError('unsupported_media_type', 'Send the token request as JSON (Content-Type: application/json).');
  }
  const parsed = tokenRequestSchema.safeParse(await readJsonBody(request, config.maxBodyBytes, config.bodyTimeoutMs));
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new TokenHandlerError('invalid_body', `The token request is invalid — ${issues.join('; ')}.`);
  }
  const plan = await planToken(request, parsed.data, config);
  const participantToken = await mintToken(plan, config);
  return Response.json(
    { server_url: config.serverUrl, participant_token: participantToken },
    { status: 201, headers: { 'Cache-Control': 'no-store', ...cors } },
  );
}

function isJson(contentType: string | null): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[^/]+\+json$/.test(mediaType);
}

function report(config: ResolvedTokenHandlerConfig, error: unknown, request: Request): void {
  try {
    config.onError(error instanceof TokenHandlerError ? error.cause : error, request);
  } catch {
    // Logging must never change the response.
  }
}
