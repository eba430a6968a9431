import * as React from 'react';

/** Props of {@link RetryButton}. */
interface RetryButtonProps {
  /** Where the keyboard focus the button held goes when it goes away while its surroundings stay. */
  focusOnUnmount: React.RefObject<HTMLElement | null>;
  className: string;
  /** Shown as disabled (`aria-disabled`), yet still focusable, so the focus is not lost while it is. */
  disabled?: boolean | undefined;
  onClick: () => void;
  children: React.ReactNode;
}

/**
 * A retry button of `ErrorNotice` and `TokenStatusView`, which goes away once it has done its work:
 * the focus it held then moves to `focusOnUnmount`, not to `<body>`.
 */
export function RetryButton({ focusOnUnmount, className, disabled, onClick, children }: RetryButtonProps) {
  const button = React.useRef<HTMLButtonElement>(null);
  React.useLayoutEffect(() => {
    const node = button.current;
    return () => {
      // Read now, not when the button mounted: a parent's ref is attached after its children's layout
      // effects run. When the whole surroundings go, React has let go of that ref already (null).
      // eslint-disable-next-line react-hooks/exhaustive-deps -- the element of this moment, on purpose (above)
      if (node !== null && node === node.ownerDocument.activeElement) focusOnUnmount.current?.focus();
    };
  }, [focusOnUnmount]);
  return (
    <button ref={button} type="button" className={className} aria-disabled={disabled} onClick={disabled ? undefined : onClick}>
      {children}
    </button>
  );
}
