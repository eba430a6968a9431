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
      (back ?? nextFocusable(node))?.focus();
    };
  }, [ref]);
}

function nextFocusable(node: HTMLElement): HTMLElement | undefined {
  const candidates = Array.from(node.ownerDocument.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((element) => !node.contains(element));
  const following = candidates.find((element) => node.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING);
  return following ?? candidates.reverse().find((element) => node.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_PRECEDING);
}
