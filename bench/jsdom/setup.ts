import { cleanup } from '@testing-library/react';
import { setLogLevel } from 'livekit-client';
import { TextDecoder, TextEncoder } from 'node:util';
import { afterEach } from 'vitest';

// jsdom's own Uint8Array fails jose's `instanceof` check when livekit-server-sdk signs tokens;
// one realm, as in a browser (the same fix as the unit tests' setup).
const NodeUint8Array = (Object.getPrototypeOf(new TextEncoder().encode('')) as { constructor: typeof Uint8Array }).constructor;
Object.assign(globalThis, { TextEncoder, TextDecoder, Uint8Array: NodeUint8Array });

// Rooms here never reach a server: keep livekit-client's and useSession's warnings out of the table.
setLogLevel('silent');
console.warn = () => {};
// livekit-server-sdk warns when it signs where a `document` exists; here jsdom stands in for the app's server.
const error = console.error;
console.error = (...args: unknown[]) => {
  if (String(args[0]).startsWith('You should not include your API secret')) return;
  error(...args);
};

afterEach(() => cleanup());
