import { tokenHandler } from '../../../lib/tokenHandler';

export const POST = tokenHandler;
