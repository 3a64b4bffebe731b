import { useEffect, useRef, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';

const FOCUSABLE = 'button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), a[href], [tabindex]:not([tabindex="-1"])';

interface Props {
  /** Extra class of the dialog box (besides "modal"). */
  readonly className: string;
  /** Id of the dialog's heading. */
  readonly labelledBy: string;
  readonly onClose: () => void;
  /** Given, the dialog is a form and Enter submits it. */
  readonly onSubmit?: () => void;
  readonly children: ReactNode;
}

/**
 * A modal dialog: a backdrop that closes it on click, Escape to close, Tab kept
 * inside, and focus handed back to what had it before it opened. The caller
 * focuses its own first control (the safe choice of a confirmation).
 */
export function Modal({ className, labelledBy, onClose, onSubmit, children }: Props) {
  const box = useRef<HTMLElement>(null);
  useEffect(() => {
    const before = document.activeElement;
    return () => { if (before instanceof HTMLElement && before.isConnected) before.focus(); };
  }, []);
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    } else if (e.key === 'Tab' && box.current) {
      const items = [...box.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
      const first = items[0], last = items[items.length - 1];
      if (!first || !last) return;
      if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
    }
  };
  const common = {
    className: `modal ${className}`, role: 'dialog', 'aria-modal': true, 'aria-labelledby': labelledBy,
    onClick: (e: { stopPropagation: () => void }) => e.stopPropagation(), onKeyDown,
  } as const;
  return (
    <div className="modal-backdrop" onClick={onClose}>
      {onSubmit
        ? <form ref={(el) => { box.current = el; }} {...common} onSubmit={(e: FormEvent) => { e.preventDefault(); onSubmit(); }}>{children}</form>
        : <div ref={(el) => { box.current = el; }} {...common}>{children}</div>}
    </div>
  );
}
