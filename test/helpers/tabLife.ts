import { vi } from 'vitest';

/** The laptop sleeps: the wall clock moves on, the timers keep their remaining time. */
export function sleepFor(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

/** The tab is hidden, then shown again, as the browser reports it. */
export function showTab(): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'hidden' });
  window.dispatchEvent(new Event('visibilitychange'));
  Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'visible' });
  window.dispatchEvent(new Event('visibilitychange'));
}
