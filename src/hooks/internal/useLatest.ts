import * as React from 'react';

/**
 * A ref that always holds the latest `value`, written in an insertion effect (before any
 * layout or passive effect reads it, never during render, and not at all on the server).
 */
export function useLatest<T>(value: T): React.RefObject<T> {
  const ref = React.useRef(value);
  React.useInsertionEffect(() => {
    ref.current = value;
  });
  return ref;
}
