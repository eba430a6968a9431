// Prints the Node fixture: tokens minted with LiveKit's Node server SDK (livekit-server-sdk, the
// repository's own dev dependency) — the plain one and the one with every optional claim (README.md) —
// and the time they were minted. `node mint.mjs > token.json`
import { readFileSync } from 'node:fs';
import { RoomAgentDispatch, RoomConfiguration, TrackSource } from '@livekit/protocol';
import { AccessToken } from 'livekit-server-sdk';

const manifest = new URL('../../../node_modules/livekit-server-sdk/package.json', import.meta.url);
const { version } = JSON.parse(readFileSync(manifest, 'utf8'));

const mintedAt = Math.floor(Date.now() / 1000);
const token = new AccessToken('devkey', 'secret', { identity: 'interop-user', name: 'Interop User', ttl: '15m' });
token.addGrant({ roomJoin: true, room: 'interop-room' });
token.roomConfig = new RoomConfiguration({ agents: [new RoomAgentDispatch({ agentName: 'e2e-agent' })] });

const full = new AccessToken('devkey', 'secret', {
  identity: 'interop-user',
  name: 'Interop User',
  metadata: '{"plan":"pro"}',
  attributes: { team: 'blue' },
  ttl: '30d',
});
full.addGrant({
  roomJoin: true,
  room: 'interop-room',
  canPublishSources: [TrackSource.CAMERA, TrackSource.SCREEN_SHARE],
  canPublishData: false,
  canUpdateOwnMetadata: true,
});
full.roomConfig = new RoomConfiguration({ agents: [new RoomAgentDispatch({ agentName: 'e2e-agent', metadata: '{"lang":"en"}' })] });
console.log(JSON.stringify({ sdk: 'livekit-server-sdk', version, mintedAt, token: await token.toJwt(), fullToken: await full.toJwt() }));
