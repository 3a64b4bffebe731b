import { useEffect, useRef } from 'react';
import { commandForKey, type EditorCommand } from '../state/keymap';

function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'range', 'file'].includes(target.type);
}

export function useEditorShortcuts(run: (command: EditorCommand) => void): void {
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      // Enter keeps activating a focused button or link; it closes a polygon only from the canvas.
      if (e.key === 'Enter' && e.target instanceof HTMLElement && e.target.closest('button, a, input, select, textarea')) return;
      const command = commandForKey({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, shiftKey: e.shiftKey, altKey: e.altKey, inTextField: inTextField(e.target) });
      if (!command) return;
      e.preventDefault();
      latest.current(command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
