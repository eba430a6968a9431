import * as React from 'react';
import { noop } from '../../core/noop.js';

const subscribeToNothing = () => noop;
const no = () => false;
const yes = () => true;

/** True while React renders on the server or hydrates the server's HTML (the server snapshot), false in any other render. */
export function useHydrating(): boolean {
  return React.useSyncExternalStore(subscribeToNothing, no, yes);
}
