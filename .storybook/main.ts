import type { StorybookConfig } from '@storybook/react-vite';
import { fileURLToPath } from 'node:url';
import { tokenEndpointPlugin } from './tokenEndpointPlugin.ts';

const src = (path: string) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));

/**
 * Storybook for the package: React + Vite, stories in `stories/`, autodocs for every component.
 * The package is imported from `src/` (a clean clone has no `dist/`), and the dev server mounts
 * the real token endpoint (`createTokenHandler`, dev keys) at `/api/livekit-token`.
 */
const config: StorybookConfig = {
  framework: { name: '@storybook/react-vite', options: {} },
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  async viteFinal(viteConfig) {
    const { mergeConfig } = await import('vite');
    return mergeConfig(viteConfig, {
      resolve: {
        alias: [
          { find: /^livekit-custom-token-react$/, replacement: src('index.ts') },
          { find: /^livekit-custom-token-react\/styles\.css$/, replacement: src('styles.css') },
          // The server entry's per-runtime signer (package.json `imports` point at dist/): Node's, from source.
          { find: /^#signJwt$/, replacement: src('server/platform/signJwt.node.ts') },
        ],
      },
      // Only the package's sources and the stories matter here; the rest of the repository is not watched.
      server: { host: '127.0.0.1', watch: { ignored: ['**/examples/**', '**/test/**', '**/bench/**', '**/dist/**', '**/.cache/**', '**/storybook-static/**'] } },
      plugins: [tokenEndpointPlugin()],
    });
  },
};

export default config;
