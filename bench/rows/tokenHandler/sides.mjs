/**
 * The two sides of row 4, loaded the way an app would load them. The baseline is what a user
 * writes by hand with livekit-server-sdk; ours is the package's `/server` entry from the build.
 */
export const API_KEY = 'devkey';
export const API_SECRET = 'secret';
export const SERVER_URL = 'ws://127.0.0.1:7880';
export const BODY = JSON.stringify({ room_name: 'bench-room', participant_name: 'Bench' });

/** The bare handler: read the body, mint with `AccessToken.toJwt()`, answer 201 — as a `node:http` listener or a Fetch handler. */
export async function loadBare() {
  const { AccessToken } = await import('livekit-server-sdk');
  const mint = (body) => {
    const token = new AccessToken(API_KEY, API_SECRET, { identity: 'bench-user', name: body.participant_name, ttl: '10m' });
    token.addGrant({ room: body.room_name, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true });
    return token.toJwt();
  };
  return {
    listener(req, res) {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', async () => {
        const json = JSON.stringify({
          server_url: SERVER_URL,
          participant_token: await mint(JSON.parse(Buffer.concat(chunks).toString())),
        });
        res.writeHead(201, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(json);
      });
    },
    async fetch(request) {
      const participant_token = await mint(await request.json());
      return Response.json({ server_url: SERVER_URL, participant_token }, { status: 201, headers: { 'cache-control': 'no-store' } });
    },
  };
}

/** Ours: `createTokenHandler` (schema, authorize, policies, limits checks) — as `toNodeHandler` and as the Fetch handler. */
export async function loadOurs() {
  const { createTokenHandler, toNodeHandler } = await import('livekit-custom-token-react/server');
  const handler = createTokenHandler({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    serverUrl: SERVER_URL,
    ttl: 600,
    authorize: () => ({ identity: 'bench-user' }),
  });
  return { listener: toNodeHandler(handler), fetch: handler };
}

export const load = (side) => (side === 'bare' ? loadBare() : loadOurs());

export const tokenRequest = () =>
  new Request('http://127.0.0.1/api/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
