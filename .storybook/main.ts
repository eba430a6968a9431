import type { StorybookConfig } from '@storybook/react-vite';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { tokenEndpointPlugin } from './tokenEndpointPlugin.ts';

const src = (path: string) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));
const snippetsDir = fileURLToPath(new URL('../stories/snippets/', import.meta.url));
const offlinePackage = fileURLToPath(new URL('../stories/fixtures/offlinePackage.tsx', import.meta.url));

/**
 * `livekit-custom-token-react` is the package's source, except for the snippets the stories
 * render and show (`stories/snippets/`): they get it through `offlinePackage.tsx`, whose provider
 * runs on the story's offline session (the Playground's snippet runs on the real endpoint).
 */
function packageFromSource(): Plugin {
  return {
    name: 'livekit-custom-token-react:package-from-source',
    enforce: 'pre',
    resolveId(id, importer) {
      if (id === 'livekit-custom-token-react') return importer?.startsWith(snippetsDir) ? offlinePackage : src('index.ts');
      if (id === 'livekit-custom-token-react/styles.css') return src('styles.css');
      return null;
    },
  };
}

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
  // Storybook's own "Get started" checklist is for people setting up Storybook, not for readers of these docs.
  features: { sidebarOnboardingChecklist: false, menuOnboardingChecklist: false },
  async viteFinal(viteConfig) {
    const { mergeConfig } = await import('vite');
    return mergeConfig(viteConfig, {
      resolve: {
        // The server entry's per-runtime signer (package.json `imports` point at dist/): Node's, from source.
        alias: [{ find: /^#signJwt$/, replacement: src('server/platform/signJwt.node.ts') }],
      },
      // Only the package's sources and the stories matter here; the rest of the repository is not watched.
      server: {
        host: '127.0.0.1',
        watch: { ignored: ['**/examples/**', '**/test/**', '**/bench/**', '**/dist/**', '**/.cache/**', '**/storybook-static/**'] },
      },
      plugins: [packageFromSource(), tokenEndpointPlugin()],
    });
  },
};

export default config;
