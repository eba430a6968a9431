// @vitest-environment node
import { describe, expect, it } from 'vitest';

describe('the browser build of livekit-custom-token-react/server', () => {
  it('throws as it loads, saying the API secret belongs on a server and what the browser uses instead', async () => {
    const loading = import('../../src/server/browser');
    await expect(loading).rejects.toThrow(/bundled for the browser/);
    await expect(loading).rejects.toThrow(/API secret and must only run on a server/);
    await expect(loading).rejects.toThrow(/createEndpointGenerator/);
  });
});
