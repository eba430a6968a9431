import { noop } from './noop.js';

/**
 * Calls `listener` whenever the browser reports the network back (`online` on `window`); returns
 * the unsubscribe. TanStack's `onlineManager` tells its subscribers only of a change from what it
 * last heard, and hears nothing while nobody subscribes: subscribed once the network was already
 * gone, it still believes itself online and keeps quiet when the network comes back.
 */
export function onBrowserOnline(listener: () => void): () => void {
  if (typeof window === 'undefined') return noop;
  window.addEventListener('online', listener);
  return () => window.removeEventListener('online', listener);
}
