import * as React from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * When the element goes away with the focus inside it, moves the focus where the user was before
 * it appeared — or, when that is gone, to the next focusable element after it — instead of
 * leaving it on `<body>`.
 */
export function useReturnFocus(ref: React.RefObject<HTMLElement | null>): void {
  React.useLayoutEffect(() => {
    const node = ref.current;
    const before = document.activeElement;
    return () => {
      if (!node?.contains(document.activeElement)) return;
      const back =
        before instanceof HTMLElement && before !== document.body && before.isConnected && !node.contains(before) ? before : null;
      // The first that takes the focus: focus() does nothing on an element not rendered (display: none), hidden or inert.
      for (const candidate of [...(back ? [back] : []), ...focusableAround(node)]) {
        candidate.focus();
        if (candidate.ownerDocument.activeElement === candidate) return;
      }
    };
  }, [ref]);
}

/** Focusable elements outside `node`: those after it in document order, then those before it, nearest first. */
function focusableAround(node: HTMLElement): HTMLElement[] {
  const candidates = Array.from(node.ownerDocument.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (element) => !node.contains(element) && element.closest('[hidden], [inert]') === null,
  );
  const following = candidates.filter((element) => node.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING);
  const preceding = candidates.filter((element) => node.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_PRECEDING).reverse();
  return [...following, ...preceding];
}
