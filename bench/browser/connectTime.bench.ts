import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { it } from 'vitest';
import { startAppServer } from '../../test/e2e/harness/appServer';
import { launchChromium, type E2EBrowser } from '../../test/e2e/harness/browser';
import { writeResult } from '../writeResult';
import type { BenchWindow } from './app/generator';
import { BENCH_LIVEKIT_URL, startBenchLiveKitServer } from './livekitServer';

const appConfig = fileURLToPath(new URL('./app/vite.config.ts', import.meta.url));
const appOut = fileURLToPath(new URL('../../node_modules/.cache/bench-connect-app', import.meta.url));
const RUNS = Number(process.env.BENCH_CONNECT_RUNS ?? 5);
/** Long enough for the mount-time pre-warm (a 300 ms generator plus the endpoint) to land before the click. */
const PREWARM_WAIT_MS = 1_000;
/** Idle-then-click runs: tokens live 65 s (LiveKit's source treats one as stale 60 s before its exp) and the click comes 70 s after mount, when the pre-warmed token has expired. */
const IDLE_TTL_SECONDS = 65;
const IDLE_WAIT_MS = 70_000;
const IDLE_RUNS = Number(process.env.BENCH_IDLE_RUNS ?? 3);

interface Variant {
  name: string;
  mode: 'ours' | 'livekit';
  attributes?: 'inline';
}

const idleVariants: Variant[] = [
  { name: `ours, click ${IDLE_WAIT_MS / 1000} s after mount (${IDLE_TTL_SECONDS} s tokens: the pre-warmed one has expired)`, mode: 'ours' },
  { name: `LiveKit, click ${IDLE_WAIT_MS / 1000} s after mount (same)`, mode: 'livekit' },
];

const variants: Variant[] = [
  { name: 'ours: CustomTokenSessionProvider', mode: 'ours' },
  { name: 'LiveKit: useMemo(TokenSource.custom) + useSession', mode: 'livekit' },
  { name: 'ours, inline participantAttributes', mode: 'ours', attributes: 'inline' },
  { name: 'LiveKit, inline participantAttributes', mode: 'livekit', attributes: 'inline' },
];

type Page = Awaited<ReturnType<E2EBrowser['newPage']>>;

/** Opens the page for one run of a variant (in a fresh browser context). */
async function openRun(browser: E2EBrowser, appUrl: string, variant: Variant, run: number | string, ttl?: number): Promise<Page> {
  const page = await browser.newPage();
  const room = `bench-${variant.mode}-${variant.attributes ?? 'plain'}-${run}`;
  const query = new URLSearchParams({ mode: variant.mode, room, livekit: BENCH_LIVEKIT_URL });
  if (variant.attributes) query.set('attributes', variant.attributes);
  if (ttl !== undefined) query.set('ttl', String(ttl));
  await page.goto(`${appUrl}/?${query}`);
  return page;
}

/** One page load: wait for the pre-warm, click start, read the page's own start → connected time. */
async function connectOnce(browser: E2EBrowser, appUrl: string, variant: Variant, run: number) {
  const page = await openRun(browser, appUrl, variant, run);
  await page.waitForTimeout(PREWARM_WAIT_MS);
  return clickAndConnect(page);
}

/** Clicks "ready" (one re-render), then "start", and reads the page's own start → connected time; closes the page. */
async function clickAndConnect(page: Page) {
  try {
    await page.getByTestId('ready').click();
    await page.getByTestId('start').click();
    await page.waitForFunction(() => (window as unknown as BenchWindow).__bench.connectMs !== undefined, undefined, { timeout: 15_000 });
    return await page.evaluate(() => (window as unknown as BenchWindow).__bench);
  } finally {
    await page.context().close();
  }
}

/**
 * The idle case: every run's page mounts at once and sits idle past its token's lifetime; then
 * each is clicked in turn (variants alternating). LiveKit's source calls the generator on the
 * click; ours refreshed ahead while idle and has a fresh token ready.
 */
async function connectAfterIdle(browser: E2EBrowser, appUrl: string) {
  const pages = new Map<Variant, Page[]>();
  for (const variant of idleVariants) {
    pages.set(
      variant,
      await Promise.all(Array.from({ length: IDLE_RUNS }, (_, run) => openRun(browser, appUrl, variant, `idle-${run}`, IDLE_TTL_SECONDS))),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, IDLE_WAIT_MS));
  const samples = new Map(idleVariants.map((variant) => [variant, [] as Awaited<ReturnType<typeof clickAndConnect>>[]]));
  for (let run = 0; run < IDLE_RUNS; run++) {
    for (const variant of idleVariants) samples.get(variant)!.push(await clickAndConnect(pages.get(variant)![run]!));
  }
  return samples;
}

/**
 * Builds the page as apps ship it: React's production bundle and JSX runtime. Vitest sets
 * NODE_ENV=test, which Vite and the React plugin would otherwise follow into React's development
 * build (StrictMode's double effects, two `prepareConnection` calls).
 */
async function buildForProduction() {
  const inherited = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: appConfig });
  } finally {
    process.env.NODE_ENV = inherited;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

it(`measures start() → connected in Chromium against the real LiveKit server, median of ${RUNS}`, async () => {
  await buildForProduction();
  const server = await startBenchLiveKitServer(
    fileURLToPath(new URL('../../node_modules/.cache/bench-livekit-server.log', import.meta.url)),
  );
  const app = await startAppServer(appOut, {});
  const browser = await launchChromium();
  try {
    const samples = new Map(
      [...variants, ...idleVariants].map((variant) => [
        variant,
        [] as { connectMs: number; roomConnectMs: number; generatorCalls: number }[],
      ]),
    );
    // One discarded warm-up connect per variant (the first connects to a fresh server are slower),
    // then variants take turns run by run, so drift on a shared machine falls on all of them.
    for (const variant of variants) await connectOnce(browser, app.url, variant, -1);
    for (let run = 0; run < RUNS; run++) {
      for (const variant of variants) {
        const { connectMs, roomConnectMs, generatorCalls } = await connectOnce(browser, app.url, variant, run);
        samples.get(variant)!.push({ connectMs: connectMs!, roomConnectMs: roomConnectMs!, generatorCalls });
      }
    }
    for (const [variant, runs] of await connectAfterIdle(browser, app.url)) {
      samples.set(
        variant,
        runs.map(({ connectMs, roomConnectMs, generatorCalls }) => ({
          connectMs: connectMs!,
          roomConnectMs: roomConnectMs!,
          generatorCalls,
        })),
      );
    }
    const measured = [...variants, ...idleVariants];
    const medians = measured.map((variant) => {
      const runs = samples.get(variant)!;
      return {
        ms: median(runs.map((r) => r.connectMs)),
        roomConnectMs: median(runs.map((r) => r.roomConnectMs)),
        calls: median(runs.map((r) => r.generatorCalls)),
      };
    });
    const rows = measured.map((variant, index) => {
      const baselineIndex = variant.mode === 'ours' ? index + 1 : index;
      const ratio = variant.mode === 'ours' ? `${(medians[baselineIndex]!.ms / medians[index]!.ms).toFixed(2)}×` : 'baseline';
      const runs = samples
        .get(variant)!
        .map((r) => r.connectMs.toFixed(0))
        .join(' / ');
      return [variant.name, medians[index]!.ms.toFixed(0), medians[index]!.roomConnectMs.toFixed(1), runs, medians[index]!.calls, ratio];
    });
    writeResult({
      id: '5-connect-time',
      title: `5. start() → connected in Chromium, production React build, real LiveKit server, generator taking 300 ms (median of ${RUNS}; idle rows ${IDLE_RUNS})`,
      baseline: 'LiveKit: useMemo(TokenSource.custom) + useSession, same generator, same page build',
      columns: [
        'variant',
        'median ms',
        'of which before Room.connect (median ms)',
        'runs ms',
        'generator calls, mount to connected (median)',
        'baseline ÷ ours (median ms)',
      ],
      rows,
      notes: [
        'The page is a production build (React’s production bundle, as apps ship it): StrictMode’s double effects and development checks are off on both sides.',
        `Idle rows: every page mounts at once, waits ${IDLE_WAIT_MS / 1000} s with ${IDLE_TTL_SECONDS} s tokens, then each is clicked in turn. LiveKit’s source keeps the mount-time token and finds it stale on the click, so the 300 ms generator runs inside the measured time; ours refreshed ahead while idle (never while connected) and connects on the fresh token.`,
        `Each run: a fresh browser context, ${PREWARM_WAIT_MS} ms for the mount-time pre-warm, a click that re-renders the page once (as any app re-renders between mount and start), then a click on start; the page times that click to the first render that sees the session connected. StrictMode; no tracks published.`,
        'Both sides get the same `Room`, whose `connect` notes when it is called: the time before it is what the React layer (and a missed cache) adds; the time after it is the LiveKit server and WebRTC, where most of the run-to-run spread is.',
        'One warm-up connect per variant is discarded; then variants take turns run by run; each run uses its own room. The LiveKit server runs on ports of its own (7890–7892), apart from the e2e suite.',
      ],
    });
  } finally {
    await browser.close();
    await app.close();
    await server.stop();
  }
});
