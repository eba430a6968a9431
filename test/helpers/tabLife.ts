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

/** The tab is hidden or shown, as the browser reports it (the event bubbles from `document` to `window` listeners). */
export function setTabVisible(visible: boolean): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, value: visible ? 'visible' : 'hidden' });
  document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
}

/** The browser reports the network gone or back. */
export function setBrowserOnline(online: boolean): void {
  window.dispatchEvent(new Event(online ? 'online' : 'offline'));
}
