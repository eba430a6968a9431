/** The fetch options of the page's session, shared by the server (first token) and the client (provider). */
export const SESSION_OPTIONS = { agentName: 'e2e-agent' } as const;

/** Agents a signed-in user may dispatch. */
export const ALLOWED_AGENTS = [SESSION_OPTIONS.agentName];

export const TOKEN_ROUTE = '/api/livekit-token';
