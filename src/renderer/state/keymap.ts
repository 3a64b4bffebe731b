/** Keyboard shortcuts -> editor commands. Pure, so it is tested without a browser. */

export type EditorCommand = 'undo' | 'redo' | 'brushSmaller' | 'brushLarger' | 'toolBrush' | 'toolEraser' | 'cancelStroke';

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
  /** True when focus is in a text field, where keys belong to the field. */
  readonly inTextField: boolean;
}

export function commandForKey(k: KeyLike): EditorCommand | null {
  if (k.inTextField) return null;
  const mod = k.ctrlKey || k.metaKey;
  const key = k.key.length === 1 ? k.key.toLowerCase() : k.key;
  if (mod && !k.altKey) {
    if (key === 'z') return k.shiftKey ? 'redo' : 'undo';
    if (key === 'y' && !k.shiftKey) return 'redo';
    return null;
  }
  if (k.altKey) return null;
  switch (key) {
    case '[': return 'brushSmaller';
    case ']': return 'brushLarger';
    case 'b': return 'toolBrush';
    case 'e': return 'toolEraser';
    case 'Escape': return 'cancelStroke';
    default: return null;
  }
}
