import type * as React from 'react';

/**
 * Off screen, still read by screen readers (Radix's `VisuallyHidden`, inline): for the words a
 * screen reader says in place of what is drawn. Inline, since the components work without the stylesheet.
 */
export const visuallyHidden: React.CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0, 0, 0, 0)',
  whiteSpace: 'nowrap',
};
