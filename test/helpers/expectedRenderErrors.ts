import { onTestFinished, vi } from 'vitest';

/**
 * For a test that expects a render to throw: keeps React's report of the error ("The above error
 * occurred…") and jsdom's "Uncaught" echo of React 18's rethrow out of the output. The test still
 * asserts on the thrown error itself.
 */
export function expectRenderErrors(): void {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  const swallow = (event: ErrorEvent) => event.preventDefault();
  window.addEventListener('error', swallow);
  onTestFinished(() => window.removeEventListener('error', swallow));
}
