// Prints the Node fixture: a token minted with LiveKit's Node server SDK (livekit-server-sdk, the
// repository's own dev dependency), and the time it was minted. `node mint.mjs > token.json`
import { readFileSync } from 'node:fs';
import { RoomAgentDispatch, RoomConfiguration } from '@livekit/protocol';
import { AccessToken } from 'livekit-server-sdk';

const manifest = new URL('../../../node_modules/livekit-server-sdk/package.json', import.meta.url);
const { version } = JSON.parse(readFileSync(manifest, 'utf8'));

const mintedAt = Math.floor(Date.now() / 1000);
const token = new AccessToken('devkey', 'secret', { identity: 'interop-user', name: 'Interop User', ttl: '15m' });
token.addGrant({ roomJoin: true, room: 'interop-room' });
token.roomConfig = new RoomConfiguration({ agents: [new RoomAgentDispatch({ agentName: 'e2e-agent' })] });
console.log(JSON.stringify({ sdk: 'livekit-server-sdk', version, mintedAt, token: await token.toJwt() }));
