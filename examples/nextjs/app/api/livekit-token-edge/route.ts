import { createTokenHandler } from 'livekit-custom-token-react/server';
import { tokenHandlerConfig } from '../../../lib/tokenHandler';

/** The same endpoint on the Edge runtime: the package's edge-light build, signing with WebCrypto. */
export const runtime = 'edge';

export const POST = createTokenHandler(tokenHandlerConfig);
