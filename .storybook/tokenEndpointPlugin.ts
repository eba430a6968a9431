import type { Plugin } from 'vite';
import type * as ServerEntry from '../src/server/index.ts';
import { devRoutes } from './devRoutes.ts';

/**
 * Mounts the live stories' endpoints (`devRoutes`: the package's real token endpoint with the dev
 * keys, and the LiveKit status) on Storybook's Vite dev server — never in the static build. The
 * server entry is loaded from source through Vite on first use, so the TypeScript needs no build.
 */
export function tokenEndpointPlugin(): Plugin {
  return {
    name: 'livekit-custom-token-react:token-endpoint',
    apply: 'serve',
    configureServer(server) {
      let routes: Promise<ReturnType<typeof devRoutes>> | undefined;
      const load = () => (routes ??= (server.ssrLoadModule('/src/server/index.ts') as Promise<typeof ServerEntry>).then(devRoutes));
      for (const path of ['/api/livekit-token', '/api/livekit-status']) {
        server.middlewares.use(path, (req, res) => void load().then((handlers) => handlers[path]!(req, res)));
      }
    },
  };
}
