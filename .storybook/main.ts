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
        ],
      },
      server: { host: '127.0.0.1' },
      plugins: [tokenEndpointPlugin()],
    });
  },
};

export default config;
