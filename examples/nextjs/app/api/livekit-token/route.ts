import { handleTokenRequest } from '../../../lib/tokenHandler';

export const POST = handleTokenRequest;
