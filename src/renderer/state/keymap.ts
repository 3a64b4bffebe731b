/** Keyboard shortcuts -> editor commands. Pure, so it is tested without a browser; the help overlay lists SHORTCUTS. */
export type EditorCommand =
  | 'undo' | 'redo' | 'brushSmaller' | 'brushLarger' | 'brushSofter' | 'brushHarder'
  | 'toolBrush' | 'toolEraser' | 'toolLasso' | 'toolRectangle' | 'toolBucket' | 'toolPick' | 'toolHeal'
  | 'toggleLayer' | 'toggleSpots'
  | 'invert' | 'closePolygon' | 'removeLastPoint' | 'cancelStroke'
  | 'viewFit' | 'viewActual' | 'help';

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
    if (key === 'i' && !k.shiftKey) return 'invert';
    if (key === '0') return 'viewFit';
    if (key === '1') return 'viewActual';
    return null;
  }
  if (k.altKey) return null;
  switch (key) {
    // Shift+[ and Shift+] arrive as '{' and '}' on US layouts, as '[' / ']' with Shift on others.
    case '[': return k.shiftKey ? 'brushSofter' : 'brushSmaller';
    case ']': return k.shiftKey ? 'brushHarder' : 'brushLarger';
    case '{': return 'brushSofter';
    case '}': return 'brushHarder';
    case 'b': return 'toolBrush';
    case 'e': return 'toolEraser';
    case 'l': return 'toolLasso';
    case 'm': return 'toolRectangle';
    case 'g': return 'toolBucket';
    case 's': return 'toolPick';
    case 'j': return 'toolHeal';
    case 'x': return 'toggleLayer';
    case 'v': return 'toggleSpots';
    case 'Enter': return 'closePolygon';
    case 'Backspace': return 'removeLastPoint';
    case 'Escape': return 'cancelStroke';
    case '?': return 'help';
    default: return null;
  }
}

/** What the help overlay shows, in order. Keep in step with commandForKey (a test checks the letters). */
export const SHORTCUTS: readonly { readonly keys: string; readonly what: string }[] = [
  { keys: 'B', what: 'Brush' },
  { keys: 'E', what: 'Eraser' },
  { keys: 'L', what: 'Lasso: drag for freehand; click corners for a polygon' },
  { keys: 'Enter / double-click', what: 'Close the polygon' },
  { keys: 'Backspace', what: 'Remove the last polygon corner' },
  { keys: 'M', what: 'Rectangle' },
  { keys: 'G', what: 'Fill bucket: fills the enclosed area under the click' },
  { keys: 'S', what: 'Select object: click an object (person, car, …) to add it; Alt-click removes it' },
  { keys: 'J', what: 'Spot heal: one click heals a dust spot of the brush size at once (PatchMatch; a new version, revertable)' },
  { keys: 'X', what: 'Switch the mask layer: Fill / Protect from sampling (where PatchMatch may not take patches)' },
  { keys: 'V', what: 'Visualise spots: a high-pass map where dust and specks stand out' },
  { keys: 'Alt + gesture', what: 'Subtract from the mask instead of adding' },
  { keys: '[ and ]', what: 'Brush smaller / larger' },
  { keys: 'Shift+[ and Shift+]', what: 'Brush softer / harder (0, 25, 50, 75, 100 %): a soft edge blends the fill in gradually, never beyond the brush circle' },
  { keys: 'Ctrl+I', what: 'Invert the mask' },
  { keys: 'Ctrl+Z', what: 'Undo' },
  { keys: 'Ctrl+Shift+Z / Ctrl+Y', what: 'Redo' },
  { keys: 'Wheel', what: 'Zoom to the cursor' },
  { keys: 'Space + drag / middle button', what: 'Pan' },
  { keys: 'Ctrl+0', what: 'Fit the photo' },
  { keys: 'Ctrl+1', what: '100 % (one image pixel per screen pixel)' },
  { keys: 'Hold O', what: 'Show the photo without the overlay' },
  { keys: 'Esc', what: 'Cancel the gesture in progress, close dialogs' },
  { keys: '?', what: 'This help' },
];
