// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/** What route.ts says by default: both entries imported, a handler exported. */
const ROUTE = [
  "import { createTokenHandler, type TokenHandler } from 'livekit-custom-token-react/server';",
  "import { useCustomTokenSource } from 'livekit-custom-token-react';",
  "export const POST: TokenHandler = createTokenHandler({ authorize: () => ({ identity: 'kiosk' }) });",
  'export { useCustomTokenSource };',
].join('\n');

/** Type-checks a consumer of both entries under `moduleResolution`, the package linked in as installed; returns tsc's output. */
function typecheckConsumer(
  moduleResolution: string,
  module: string,
  route = ROUTE,
  options: Record<string, unknown> = {},
  { compiler = tsc, file = 'route.ts' } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'lkctr-types-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    // An ES module app (the package is ESM-only; under node16 a CommonJS file cannot import it).
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    symlinkSync(root, join(dir, 'node_modules/livekit-custom-token-react'), 'dir');
    writeFileSync(join(dir, file), route);
    const compilerOptions = {
      module,
      moduleResolution,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      jsx: 'react-jsx',
      lib: ['dom', 'es2022'],
      types: [],
      ...options,
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: [file] }));
    try {
      return execFileSync(process.execPath, [compiler, '-p', dir], { encoding: 'utf8' });
    } catch (error) {
      return (error as { stdout: string }).stdout;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the types of both entries, as a consumer resolves them', () => {
  it.each([
    // What Next.js 15 writes into a new app's tsconfig.
    ['node', 'commonjs'],
    ['node16', 'node16'],
    ['bundler', 'esnext'],
  ])(
    'resolve under moduleResolution %s',
    (moduleResolution, module) => {
      expect(typecheckConsumer(moduleResolution, module)).toBe('');
    },
    60_000,
  );
});

describe('the stylesheet, imported for its side effect', () => {
  it.each([
    ['node', 'commonjs'],
    ['node16', 'node16'],
    ['bundler', 'esnext'],
  ])(
    'resolves under moduleResolution %s with noUncheckedSideEffectImports (on by default from TypeScript 6)',
    (moduleResolution, module) => {
      // No \`declare module '*.css'\` here: an app without Vite's or Next.js' ambient types has none.
      const app = "import 'livekit-custom-token-react/styles.css';\nexport {};\n";
      expect(typecheckConsumer(moduleResolution, module, app, { noUncheckedSideEffectImports: true })).toBe('');
    },
    60_000,
  );
});

describe('the types of both entries under exactOptionalPropertyTypes', () => {
  it('take an optional option or prop given as a value that may be undefined, as apps pass them on', () => {
    const route = `
import {
  CustomTokenError,
  createCustomTokenSource,
  createEndpointGenerator,
  type CustomTokenSessionProviderProps,
  type TokenFetchOptions,
  type TokenResponse,
  type UseCameraTracksOptions,
  type UseCustomTokenSourceOptions,
} from 'livekit-custom-token-react';
import { createTokenHandler, TokenHandlerError } from 'livekit-custom-token-react/server';

declare const maybe: {
  token: { options: { roomName: string }; response: TokenResponse } | undefined;
  flag: boolean | undefined;
  count: number | undefined;
  text: string | undefined;
  client: UseCustomTokenSourceOptions['queryClient'] | undefined;
  options: TokenFetchOptions | undefined;
};
const generator = createEndpointGenerator('/api/token', { credentials: undefined, headers: undefined });
const source = createCustomTokenSource(generator, { queryClient: maybe.client, timeoutMs: maybe.count, initialToken: maybe.token, scope: maybe.text });
source.configure({ timeoutMs: undefined, retries: maybe.count });
void source.fetch({ roomName: maybe.text, participantName: undefined });
createCustomTokenSource(generator, { initialToken: { options: maybe.options, response: { serverUrl: 'wss://lk.example', participantToken: '' } } });
export const cameras: UseCameraTracksOptions = { onlySubscribed: maybe.flag, placeholders: maybe.flag };
export const clientError = new CustomTokenError('generator_failed', 'refused', { status: maybe.count, serverCode: maybe.text, reason: undefined, cause: undefined });
export const httpError = new CustomTokenError('http', 'refused', { status: 401, serverCode: maybe.text, retryAfterMs: maybe.count });
export const status: number = httpError.status;
export const serverError = new TokenHandlerError('rate_limited', 'slow down', { retryAfterSeconds: maybe.count, cause: undefined });
export const props: CustomTokenSessionProviderProps = {
  generator,
  roomName: maybe.text,
  participantName: maybe.text,
  agentName: maybe.text,
  participantAttributes: undefined,
  initialToken: maybe.token,
  connect: maybe.flag,
  freshRoomPerSession: maybe.flag,
  agentConnectTimeoutMs: maybe.count,
  onError: undefined,
};
export const POST = createTokenHandler({
  authorize: () => ({ identity: 'kiosk', name: maybe.text, metadata: undefined }),
  ttl: maybe.count,
  maxBodyBytes: maybe.count,
  cors: undefined,
  onError: undefined,
});
`;
    expect(typecheckConsumer('bundler', 'esnext', route, { exactOptionalPropertyTypes: true })).toBe('');
  }, 60_000);

  it("take Node's own IncomingMessage and ServerResponse in toNodeHandler's listener, as README's node:http sample passes it", () => {
    const route = `
import { createServer } from 'node:http';
import { createTokenHandler, toNodeHandler } from 'livekit-custom-token-react/server';

const tokens = toNodeHandler(createTokenHandler({ authorize: () => ({ identity: 'kiosk' }) }));
export const server = createServer(tokens);
export const express = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => tokens(req, res);
`;
    const nodeTypes = { types: ['node'], typeRoots: [join(root, 'node_modules/@types')] };
    expect(typecheckConsumer('bundler', 'esnext', route, { exactOptionalPropertyTypes: true, ...nodeTypes })).toBe('');
  }, 60_000);
});

describe('the types of the /server entry, where the optional livekit-server-sdk peer is not installed', () => {
  it('check with skipLibCheck off, and still check the grants authorize returns', () => {
    // A Worker or Edge app installs only the package (its dependencies) — never the optional peer —
    // so the package is copied in as installed, with nothing beside it.
    const dir = mkdtempSync(join(tmpdir(), 'lkctr-types-'));
    try {
      const installed = join(dir, 'node_modules/livekit-custom-token-react');
      cpSync(join(root, 'dist/server'), join(installed, 'dist/server'), { recursive: true });
      cpSync(join(root, 'package.json'), join(installed, 'package.json'));
      writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
      const worker = `
import { createTokenHandler, type AuthorizedParticipant } from 'livekit-custom-token-react/server';
export const participant: AuthorizedParticipant = { identity: 'kiosk', grants: { canPublishSources: [1, 2], hidden: true, canUpdateOwnMetadata: undefined } };
// @ts-expect-error a grant is a boolean
export const wrong: AuthorizedParticipant = { identity: 'kiosk', grants: { canPublish: 'yes' } };
export default { fetch: createTokenHandler({ authorize: () => participant }) };
`;
      writeFileSync(join(dir, 'worker.ts'), worker);
      const compilerOptions = {
        module: 'esnext',
        moduleResolution: 'bundler',
        strict: true,
        exactOptionalPropertyTypes: true,
        noEmit: true,
        skipLibCheck: false,
        lib: ['es2022', 'dom'],
        types: [],
      };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['worker.ts'] }));
      let output = '';
      try {
        execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
      } catch (error) {
        output = (error as { stdout: string }).stdout;
      }
      expect(output).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the oldest TypeScript docs/compatibility.md names', () => {
  /** A call screen and a token route, as the README's quick start writes them. */
  const APP = `
import { AgentStatusIndicator, CameraGrid, ConnectButton, CustomTokenSessionProvider, ErrorNotice, TokenStatusView, createEndpointGenerator, useTokenStatus } from 'livekit-custom-token-react';
import { createTokenHandler, TokenHandlerError } from 'livekit-custom-token-react/server';

const generator = createEndpointGenerator('/api/livekit-token', { headers: async () => ({ Authorization: 'Bearer t' }) });
function Badge() {
  const { status, error, refresh } = useTokenStatus();
  return status === 'error' ? <button onClick={refresh}>{error?.code}</button> : <span>{status}</span>;
}
export function SupportCall() {
  return (
    <CustomTokenSessionProvider generator={generator} roomName="standup" agentName="support-agent" camera freshRoomPerSession onError={(error) => error.status}>
      <ConnectButton /><AgentStatusIndicator /><CameraGrid /><TokenStatusView /><ErrorNotice /><Badge />
    </CustomTokenSessionProvider>
  );
}
export const POST = createTokenHandler({
  authorize: (request) => {
    if (!request.headers.get('authorization')) throw new TokenHandlerError('forbidden', 'Sign in first.');
    return { identity: 'kiosk', grants: { canPublishData: false } };
  },
  rooms: (room, { participant }) => room === \`desk-\${participant.identity}\`,
  agents: ['support-agent'],
  limits: { tokens: { limit: 10, windowSeconds: 60 } },
});
`;

  it('is the one test/peers-oldest installs', () => {
    const named = /TypeScript (\d+\.\d+) or later/.exec(readFileSync(join(root, 'docs/compatibility.md'), 'utf8'));
    const installed = JSON.parse(readFileSync(join(root, 'test/peers-oldest/node_modules/typescript/package.json'), 'utf8')) as {
      version: string;
    };
    expect(named?.[1]).toBeDefined();
    expect(installed.version.startsWith(`${named?.[1]}.`)).toBe(true);
  });

  it("finds no error in the package's own declarations (skipLibCheck off) nor in an app using both entries", () => {
    const oldest = join(root, 'test/peers-oldest/node_modules/typescript/bin/tsc');
    const nodeTypes = { types: ['node'], typeRoots: [join(root, 'node_modules/@types')] };
    const output = typecheckConsumer(
      'bundler',
      'esnext',
      APP,
      { skipLibCheck: false, target: 'ES2022', ...nodeTypes },
      { compiler: oldest, file: 'app.tsx' },
    );
    // The peers' own declarations have errors of their own under skipLibCheck: false (livekit-client
    // imports types it does not depend on; @livekit/components-core writes TypeScript 5.7's generic
    // Uint8Array): theirs to fix, and out of this check. The package's (dist/) and the app's count.
    const ours = output.split('\n').filter((line) => / error TS/.test(line) && !line.includes('node_modules/'));
    expect(output).toMatch(/error TS/); // the peers' errors are there: the compiler did run, with lib checking on
    expect(ours).toEqual([]);
  }, 120_000);
});
