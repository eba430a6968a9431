/** What a screen reader reads of an element (and a live region announces): its text without the parts hidden from it (`aria-hidden`). */
export function spokenText(element: Element): string {
  if (element.getAttribute('aria-hidden') === 'true') return '';
  return Array.from(element.childNodes)
    .map((node) => (node instanceof Element ? spokenText(node) : (node.textContent ?? '')))
    .join('');
}
