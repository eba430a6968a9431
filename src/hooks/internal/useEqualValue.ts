import * as React from 'react';

/**
 * `value`, or the previously returned value while `isEqual` says nothing changed — so a memo or
 * context value downstream is not rebuilt for an equal but new object. Uses React's
 * "adjust state during render" pattern, so nothing is written to a ref during render.
 */
export function useEqualValue<T>(value: T, isEqual: (previous: T, next: T) => boolean): T {
  const [kept, setKept] = React.useState(value);
  if (kept === value || isEqual(kept, value)) return kept;
  setKept(value);
  return value;
}
