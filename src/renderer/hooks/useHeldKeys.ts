import { useEffect, useRef, useState } from 'react';

function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'range', 'file', 'color'].includes(target.type);
}

export interface HeldKeys {
  /** Space is down: a drag pans. Read in pointer handlers, so a ref. */
  readonly space: { readonly current: boolean };
  /** O is down: show the photo without the overlay. */
  readonly original: boolean;
}

/** Keys that act while held: space (pan) and O (see the original). Released on blur so nothing sticks. */
export function useHeldKeys(): HeldKeys {
  const space = useRef(false);
  const [original, setOriginal] = useState(false);
  useEffect(() => {
    const down = (e: KeyboardEvent): void => {
      if (inTextField(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === ' ') {
        e.preventDefault(); // no page scroll, no press of the focused button
        space.current = true;
      } else if (e.key === 'o' || e.key === 'O') setOriginal(true);
    };
    const up = (e: KeyboardEvent): void => {
      if (e.key === ' ') {
        if (!inTextField(e.target)) e.preventDefault();
        space.current = false;
      } else if (e.key === 'o' || e.key === 'O') setOriginal(false);
    };
    const reset = (): void => {
      space.current = false;
      setOriginal(false);
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', reset);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', reset);
    };
  }, []);
  return { space, original };
}
